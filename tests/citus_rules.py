"""The Citus rules (db/distribution.py) as functions of the catalogue and of SQL text, so that the test can run them
on the real schema and on planted violations alike. Each returns the violations it finds, as readable lines."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from pglast import ast, parse_sql
from pglast.enums import A_Expr_Kind, BoolExprType

import db
from db.lists import KeysetList

TABLES = """
select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
order by c.relname
"""
# Primary keys, unique constraints and unique indexes (partial ones too), with their columns.
UNIQUES = """
select t.relname as table_name, i.relname as name,
       array(select a.attname from unnest(x.indkey) k join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k)
           as columns
from pg_index x
join pg_class t on t.oid = x.indrelid
join pg_class i on i.oid = x.indexrelid
join pg_namespace n on n.oid = t.relnamespace
where n.nspname = 'public' and x.indisunique and not t.relispartition
order by 1, 2
"""
FOREIGN_KEYS = """
select c.conname as name, s.relname as source, t.relname as target,
       array(select a.attname from unnest(c.conkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as source_columns,
       array(select a.attname from unnest(c.confkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as target_columns
from pg_constraint c
join pg_class s on s.oid = c.conrelid
join pg_class t on t.oid = c.confrelid
join pg_namespace n on n.oid = s.relnamespace
where c.contype = 'f' and n.nspname = 'public' and not s.relispartition and c.conparentid = 0
order by 1
"""
NULLABLE = """
select attnotnull from pg_attribute where attrelid = to_regclass($1) and attname = $2 and not attisdropped
"""


@dataclass(frozen=True)
class Declarations:
    personal: Mapping[str, str]
    reference: frozenset[str]
    separate: Mapping[str, str]
    exceptions: Mapping[str, str]
    multi_shard: Mapping[str, str] = field(default_factory=dict)


async def catalogue_violations(conn: asyncpg.Connection, d: Declarations) -> list[str]:
    found: list[str] = []
    tables = [r["relname"] for r in await conn.fetch(TABLES)]
    for table in tables:
        homes = [table in d.personal, table in d.reference, table in d.separate]
        if sum(homes) != 1:
            found.append(f"{table}: classified {sum(homes)} times (personal, reference or separate: exactly one)")
    for table, column in d.personal.items():
        if table in tables and await conn.fetchval(NULLABLE, table, column) is not True:
            found.append(f"{table}.{column}: the distribution column is missing or nullable")
    for row in await conn.fetch(UNIQUES):
        key = d.personal.get(row["table_name"])
        if key and key not in row["columns"] and row["name"] not in d.exceptions:
            found.append(f"{row['name']}: unique on {row['table_name']}{tuple(row['columns'])} without {key}")
    for fk in await conn.fetch(FOREIGN_KEYS):
        if fk["name"] in d.exceptions:
            continue
        source, target = fk["source"], fk["target"]
        if source in d.reference and target not in d.reference:
            found.append(f"{fk['name']}: reference table {source} refers to {target}")
        elif source in d.personal and target in d.personal:
            pairs = dict(zip(fk["source_columns"], fk["target_columns"], strict=True))
            if pairs.get(d.personal[source]) != d.personal[target]:
                found.append(f"{fk['name']}: {source} refers to {target} without pairing the person")
        elif (source in d.personal and target in d.separate) or (source in d.separate and target in d.personal):
            found.append(f"{fk['name']}: {source} refers to {target}, which is not co-located")
    return found


# --- statements ---------------------------------------------------------------------------------------------------


def db_statements() -> Iterator[tuple[str, str]]:
    """(module.NAME, SQL) for every statement constant of db/ and every statement a KeysetList writes."""
    for info in pkgutil.iter_modules(db.__path__):
        module = importlib.import_module(f"db.{info.name}")
        for name, value in vars(module).items():
            where = f"{info.name}.{name}"
            if isinstance(value, KeysetList):
                yield f"{where}.page", value.select_page_sql
                yield f"{where}.count", value.count_sql
                yield f"{where}.by_id", value.select_by_id_sql
            elif isinstance(value, str) and name.isupper() and _is_statement(value):
                yield where, value


def _is_statement(text: str) -> bool:
    try:
        return bool(parse_sql(text))
    except Exception:  # a fragment ("id, name") or a template with {} holes, checked where it is used
        return False


def statement_violations(sql: str, personal: Mapping[str, str]) -> list[str]:
    """The personal tables a statement reads or writes without naming the person (one line each)."""
    found: list[str] = []
    for stmt in parse_sql(sql):
        for node in _walk(stmt.stmt):
            found += _level_violations(node, personal)
    return found


def _is(node: Any, kind: type | tuple[type, ...]) -> bool:
    """isinstance without narrowing: pglast's node types declare every field optional, and these trees are read
    as parsed, so the checks read fields as Any."""
    return isinstance(node, kind)


def _walk(node: Any) -> Iterator[Any]:
    if _is(node, ast.Node):
        yield node
        for name in node:
            yield from _walk(getattr(node, name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _walk(item)


def _level_violations(node: Any, personal: Mapping[str, str]) -> list[str]:
    """One query level: its own FROM (not its subqueries) and its own conditions."""
    if _is(node, ast.InsertStmt):
        table = node.relation.relname
        columns = [c.name for c in node.cols or ()]
        if table in personal and personal[table] not in columns:
            return [f"insert into {table} without {personal[table]}"]
        return []
    level = _sources_and_conditions(node)
    if level is None:
        return []
    sources, quals = level
    aliases: dict[str, str] = {}
    for item in sources:
        if _is(item, ast.RangeVar) and item.relname in personal:
            aliases[item.alias.aliasname if item.alias else item.relname] = item.relname
        elif _is(item, ast.JoinExpr):
            quals.append(item.quals)
    pinned = _pinned(aliases, [c for q in quals for c in _conjuncts(q)], personal)
    return [f"{table} ({alias}) read or written without naming the person"
            for alias, table in aliases.items() if alias not in pinned]


def _sources_and_conditions(node: Any) -> tuple[list[Any], list[Any]] | None:
    if _is(node, ast.SelectStmt):
        return _from(node.fromClause), [node.whereClause]
    if _is(node, ast.UpdateStmt):
        return [node.relation, *_from(node.fromClause)], [node.whereClause]
    if _is(node, ast.DeleteStmt):
        return [node.relation, *_from(node.usingClause)], [node.whereClause]
    return None


def _pinned(aliases: Mapping[str, str], conjuncts: list[Any], personal: Mapping[str, str]) -> set[str]:
    """The aliases whose person is named: by a value, or by a join on the person to an alias that is."""
    pinned: set[str] = set()
    links: list[tuple[str, str]] = []
    for c in conjuncts:
        if not _is(c, ast.A_Expr) or not c.name or c.name[0].sval != "=":
            continue
        left = _person_column(c.lexpr, aliases, personal)
        if c.kind in (A_Expr_Kind.AEXPR_OP_ANY, A_Expr_Kind.AEXPR_IN) and left and not _columns(c.rexpr):
            pinned.add(left)
        elif c.kind == A_Expr_Kind.AEXPR_OP:
            right = _person_column(c.rexpr, aliases, personal)
            if left and right:
                links.append((left, right))
            elif left and not _columns(c.rexpr):
                pinned.add(left)
            elif right and not _columns(c.lexpr):
                pinned.add(right)
    changed = True
    while changed:
        changed = False
        for a, b in links:
            if (a in pinned) != (b in pinned):
                pinned |= {a, b}
                changed = True
    return pinned


def _from(items: Any) -> list[Any]:
    flat: list[Any] = []
    for item in items or ():
        if _is(item, ast.JoinExpr):
            flat += [item, *_from((item.larg, item.rarg))]
        else:
            flat.append(item)
    return flat


def _conjuncts(expr: Any) -> list[Any]:
    if expr is None:
        return []
    if _is(expr, ast.BoolExpr) and expr.boolop == BoolExprType.AND_EXPR:
        return [c for arg in expr.args for c in _conjuncts(arg)]
    return [expr]


def _person_column(expr: Any, aliases: Mapping[str, str], personal: Mapping[str, str]) -> str | None:
    """The alias whose distribution column `expr` is, if it is one."""
    if not _is(expr, ast.ColumnRef) or not all(_is(f, ast.String) for f in expr.fields):
        return None
    names = [f.sval for f in expr.fields]
    if len(names) == 2:
        alias, column = names
        return alias if alias in aliases and personal[aliases[alias]] == column else None
    candidates = [a for a, t in aliases.items() if personal[t] == names[0]]
    return candidates[0] if len(aliases) == 1 and candidates else None


def _columns(expr: Any) -> bool:
    """Whether `expr` refers to any column or subquery (a parameter, a constant or a cast of one does not)."""
    return any(_is(n, (ast.ColumnRef, ast.SubLink)) for n in _walk(expr))
