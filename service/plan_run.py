"""Running an operation plan (service/plan.py) level by level, for one request.

Each object's selections are read in one loop: leaves from their attribute (completed and weighed by the execution
context's `complete_leaf_value`, so the answer's bound holds), plain objects at once, and what needs the database
(a relation's loader, a reads-only resolver) put aside with what to do with its value. When the level is done the
put-aside work is awaited in one `gather`: every relation of a level asks its loader in the same tick, so one
statement per loader and level, with no `Info`, coroutine or task per relation field. Their values make the next
level's work, until none is left.

An error anywhere (a resolver or loader raising, a null in a non-null field, an object its type's check refuses,
the answer growing past its bound) abandons the planned answer: graphql-core then executes the operation from the
start with the request's loaders, whose cached rows answer without a statement, and reports the error with its
message, path and locations exactly as the reference does. Only reads-only resolvers are planned, so running
one twice changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from graphql import GraphQLString
from graphql.execution.executor import to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined

from auth.permissions import reader_check
from loaders.shared import MISSING
from service.execution import LEAF_OVERHEAD, NUMBER_WEIGHT
from service.plan import FieldPlan, Kind, OperationPlan, SelectionPlan

if TYPE_CHECKING:
    from service.planned import PlannedExecutionContext


class Fallback(Exception):  # noqa: N818 - a decision, not a failure
    """The planned answer is abandoned; graphql-core answers the request."""


class _Impure(Exception):  # noqa: N818 - a decision, not a failure
    """A row of a reference object's answer is not at hand: it is made the usual way."""


_IMPURE: Any = object()


Then = Callable[[Any], None]


class PlanRun:
    """One request's run of one plan."""

    def __init__(self, executor: PlannedExecutionContext) -> None:
        self.executor = executor
        self.loaders = executor.context_value.loaders
        self.is_awaitable = executor.is_awaitable
        self.pending: list[tuple[Awaitable[Any], Then]] = []
        # The answer's weight so far, counted as service/execution.py counts it, against the same bound.
        self.weight = executor.answer_bytes
        self.limit = executor.answer_limit
        # Each field's Info, made once per request and shared by its objects: its path is the first object's
        # (a path only shows in an error, and an error sends the request to graphql-core).
        self.infos: dict[int, Any] = {}

    def leaf(self, serialize: Callable[[Any], Any], value: Any) -> Any:
        """A leaf value serialised and weighed (a value its type refuses, or a bound passed: graphql-core's turn)."""
        completed = serialize(value)
        if completed is None or completed is Undefined:
            raise Fallback
        self.weight += (len(completed) if type(completed) is str else NUMBER_WEIGHT) + LEAF_OVERHEAD
        if self.weight > self.limit:
            raise Fallback
        return completed

    async def run(self, plan: OperationPlan) -> dict[str, Any]:
        data: dict[str, Any] = {}
        try:
            self.fill(plan.root, self.executor.root_value, None, data)
            while self.pending:
                batch, self.pending = self.pending, []
                if len(batch) == 1:  # one thing to wait for (Home's `me`): awaited as it is, no task for it
                    work, then = batch[0]
                    then(await work)
                    continue
                values = await asyncio.gather(*(work for work, _ in batch), return_exceptions=True)
                for value in values:
                    if isinstance(value, BaseException):
                        raise Fallback from value
                for (_, then), value in zip(batch, values, strict=True):
                    then(value)
        except Exception as exc:
            self.abandon()
            raise Fallback from exc
        return data

    def abandon(self) -> None:
        """Close the work never awaited (a loader's future settles with its batch anyway)."""
        for work, _ in self.pending:
            close = getattr(work, "close", None)
            if close is not None:
                close()
        self.pending = []

    def fill(self, selection: SelectionPlan, source: Any, path: Path | None, out: dict[str, Any]) -> None:
        """The selections of one object into `out`, in order; what needs awaiting is put aside."""
        parent_type = selection.object_type
        infos = self.infos
        for plan in selection.fields:
            name = plan.response_name
            kind = plan.kind
            if kind is Kind.LEAF:
                value = getattr(source, plan.attribute)
                if value is None:
                    if plan.non_null:
                        raise Fallback
                    out[name] = None
                elif plan.is_list:
                    out[name] = self.complete(plan, value, None)
                else:
                    out[name] = self.leaf(plan.serialize, value)  # type: ignore[arg-type]
            elif kind is Kind.TYPENAME:
                out[name] = self.leaf(GraphQLString.serialize, parent_type.name)
            else:
                info = infos.get(id(plan))
                if info is None:
                    field_path = Path(path, name, parent_type.name)
                    info = infos[id(plan)] = self.executor.build_resolve_info(
                        plan.field_def, to_nodes(plan.field_details), parent_type, field_path
                    )
                out[name] = None  # its place in the answer's order
                if kind is Kind.OBJECT:
                    out[name] = self.complete(plan, getattr(source, plan.attribute), info)
                elif kind is Kind.RELATION:
                    self.relation(plan, source, info, out)
                else:
                    self.resolve(plan, source, info, out)

    def relation(self, plan: FieldPlan, source: Any, info: Any, out: dict[str, Any]) -> None:
        relation = plan.relation
        assert relation is not None
        recorded = None if relation.part is None else reader_check(info, source.person_id, relation.part)
        key = getattr(source, relation.key)
        loader = self.loaders.get(relation.loader)
        target = relation.target
        shared = self.loaders.shared
        selection = plan.selection
        if (
            selection is not None and selection.pure and key is not None and shared is not None and loader.shared
            and recorded is None and not relation.many
        ):
            entry = shared.entry(relation.loader, key)
            answer = _IMPURE if entry is None else self.pure(plan, entry)
            if answer is not _IMPURE:
                out[plan.response_name] = answer
                return
        if loader.shared and shared is not None and shared.seconds > 0 and target is not None:
            # A reference row shared by the worker's requests: its object too (loaders/shared.py).
            mapped, make = shared.mapped, target
            target = lambda row: mapped(make, row)  # noqa: E731
        name = plan.response_name
        if relation.many:
            def then(value: Any) -> None:
                out[name] = self.complete(plan, [target(row) for row in value], info)
        else:
            def then(value: Any) -> None:
                out[name] = self.complete(plan, None if value is None else target(value), info)
        if recorded is None:
            if key is None and not relation.many:
                then(None)
                return
            # A row this request or the worker already read (a shared reference row) is used at once.
            at_hand = loader.peek(key)
            if at_hand is MISSING:
                self.pending.append((loader.load(key), then))
            else:
                then(at_hand)
            return

        async def after_recorded() -> Any:
            await recorded
            return None if key is None and not relation.many else await loader.load(key)

        self.pending.append((after_recorded(), then))

    def pure(self, plan: FieldPlan, entry: tuple[float, Any]) -> Any:
        """The answer of a reference object (a `pure` selection: service/plan.py) from a shared row: made once per
        plan and row and kept, with its weight, until the first of its rows stops being shared; `_IMPURE` when a
        row below is not at hand (the usual path then reads it)."""
        shared = self.loaders.shared
        assert shared is not None and plan.selection is not None and plan.relation is not None
        expiry, row = entry
        if row is None:
            if plan.non_null:
                raise Fallback
            return None
        kept = shared.subtrees.get((id(plan), id(row)))
        if kept is not None and kept[0] is row and kept[1] is plan and kept[4] > shared.clock():
            self.weight += kept[3]
            if self.weight > self.limit:
                raise Fallback
            return kept[2]
        before = self.weight
        try:
            answer, expiry = self.pure_fill(plan.selection, shared.mapped(plan.relation.target, row), expiry)
        except _Impure:
            self.weight = before
            return _IMPURE
        if len(shared.subtrees) >= shared.size:
            shared.subtrees.clear()
        # The plan and the row kept with it: their ids are no one else's while the answer is kept.
        shared.subtrees[(id(plan), id(row))] = (row, plan, answer, self.weight - before, expiry)
        return answer

    def pure_fill(self, selection: SelectionPlan, source: Any, expiry: float) -> tuple[dict[str, Any], float]:
        shared = self.loaders.shared
        assert shared is not None
        is_type_of = selection.object_type.is_type_of  # Strawberry's own, if any: the object's class
        if is_type_of is not None and not is_type_of(source, None):  # type: ignore[arg-type] # it reads no info
            raise Fallback
        out: dict[str, Any] = {}
        for plan in selection.fields:
            name = plan.response_name
            if plan.kind is Kind.TYPENAME:
                out[name] = self.leaf(GraphQLString.serialize, selection.object_type.name)
                continue
            if plan.kind is Kind.LEAF:
                value = getattr(source, plan.attribute)
            else:  # a single relation to a shared row, with a pure selection
                relation = plan.relation
                assert relation is not None and plan.selection is not None
                key = getattr(source, relation.key)
                entry = None if key is None else shared.entry(relation.loader, key)
                if key is not None and entry is None:
                    raise _Impure
                row = None if entry is None else entry[1]
                value = None if row is None else shared.mapped(relation.target, row)
                if value is not None and entry is not None:
                    out[name], expiry = self.pure_fill(plan.selection, value, min(expiry, entry[0]))
                    continue
            if value is None:
                if plan.non_null:
                    raise Fallback
                out[name] = None
            else:
                out[name] = self.leaf(plan.serialize, value)  # type: ignore[arg-type]
        return out, expiry

    def resolve(self, plan: FieldPlan, source: Any, info: Any, out: dict[str, Any]) -> None:
        executor = self.executor
        args = {}
        if plan.has_arguments:
            args = get_argument_values(
                plan.field_def, plan.field_details[0].node, executor.variable_values, None, executor.hide_suggestions
            )
        call = plan.call
        result = call(source, info, args) if call is not None else plan.field_def.resolve(source, info, **args)
        name = plan.response_name
        if self.is_awaitable(result):
            self.pending.append((result, lambda value: out.__setitem__(name, self.complete(plan, value, info))))
        else:
            out[name] = self.complete(plan, result, info)

    def complete(self, plan: FieldPlan, value: Any, info: Any) -> Any:
        if value is None:
            if plan.non_null:
                raise Fallback
            return None
        path = None if info is None else info.path
        if not plan.is_list:
            return self.item(plan, value, info, path)
        if not isinstance(value, list | tuple):
            raise Fallback
        items: list[Any] = []
        for item in value:
            if item is None:
                if plan.item_non_null:
                    raise Fallback
                items.append(None)
            else:
                items.append(self.item(plan, item, info, path))
        return items

    def item(self, plan: FieldPlan, value: Any, info: Any, path: Path | None) -> Any:
        if plan.serialize is not None:
            return self.leaf(plan.serialize, value)
        object_type = plan.object_type
        selection = plan.selection
        assert object_type is not None and selection is not None
        out: dict[str, Any] = {}
        is_type_of = object_type.is_type_of
        if is_type_of is not None:
            allowed = is_type_of(value, info)
            if self.is_awaitable(allowed):
                def then(passed: Any) -> None:
                    if not passed:
                        raise Fallback
                    self.fill(selection, value, path, out)

                self.pending.append((allowed, then))
                return out
            if not allowed:
                raise Fallback
        self.fill(selection, value, path, out)
        return out
