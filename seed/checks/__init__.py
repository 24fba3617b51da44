"""The integrity report: rules of a plausible data set, measured by SQL on any seeded database.

Every module of this package declares `CHECKS`, a tuple of plain `(name, description, sql)` tuples; `sql` returns
one integer, the number of rows (or people) that break the rule. The runner discovers the modules itself, so a
new module of checks needs nothing from the others. `python main.py seed --check` prints the report.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import asyncpg

Check = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class CheckResult:
    module: str
    name: str
    description: str
    violations: int


def discover() -> list[tuple[str, Check]]:
    """(module, check) for every check of every module of the package, modules in name order."""
    found: list[tuple[str, Check]] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend((info.name, check) for check in getattr(module, "CHECKS", ()))
    return found


async def run_checks(conn: asyncpg.Connection) -> list[CheckResult]:
    results = []
    for module, (name, description, sql) in discover():
        results.append(CheckResult(module, name, description, int(await conn.fetchval(sql) or 0)))
    return results


def report(results: list[CheckResult]) -> str:
    """One line per rule: its violations, module.name and what it measures; then the total."""
    width = max((len(f"{r.module}.{r.name}") for r in results), default=0)
    lines = [f"{r.violations:>9}  {f'{r.module}.{r.name}':<{width}}  {r.description}" for r in results]
    failed = sum(1 for r in results if r.violations)
    lines.append(f"{len(results)} rules, {failed} with violations, {sum(r.violations for r in results)} violations")
    return "\n".join(lines)
