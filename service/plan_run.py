"""Running an operation plan (service/plan.py) level by level, for one request.

Each object's selections are read in order by its selection's compiled function (service/plan_compile.py): its
plain leaves from their attributes (serialised by their type and weighed as service/execution.py weighs them,
against the answer's bound), plain objects at once, what needs the database (a relation's loader, a reads-only
resolver) put aside with what to do with its value. When the level is done the put-aside work is awaited in one
`gather`: every relation of a level asks its loader in the same tick, so one statement per loader and level, with
no `Info`, coroutine or task per relation field. Their values make the next level's work, until none is left.

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

from graphql import GraphQLObjectType
from graphql.execution.executor import to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined

from auth.permissions import reader_check
from loaders.shared import MISSING
from service.execution import LEAF_OVERHEAD, NUMBER_WEIGHT
from service.plan import Fallback, FieldPlan, Kind, OperationPlan, SelectionPlan
from service.plan_compile import compile_fill
from service.plan_reference import IMPURE, reference_answer

if TYPE_CHECKING:
    from service.plan_context import PlanContext
    from service.planned import PlannedExecutionContext


Then = Callable[[Any], None]


class TypeCheckInfo:
    """The info of an object or a relation: what its type's `is_type_of` and a relation's reader check read (the
    context: auth/permissions.py) and the path of the fields below, without graphql-core's full `Info`. A check
    that reads more raises AttributeError, and the request goes to graphql-core like any error in the plan."""

    __slots__ = ("context", "path")

    def __init__(self, path: Path, context: Any) -> None:
        self.path = path
        self.context = context


class PlanRun:
    """One request's run of one plan."""

    def __init__(self, executor: PlannedExecutionContext | PlanContext) -> None:
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
        # Reference answers (service/plan_reference.py) met once in this request, by plan and key, with their weight.
        self.references: dict[tuple[int, Any], tuple[Any, int]] = {}

    def leaf(self, serialize: Callable[[Any], Any], value: Any) -> Any:
        """A leaf value serialised and weighed (a value its type refuses, or a bound passed: graphql-core's turn)."""
        completed = serialize(value)
        if completed is None or completed is Undefined:
            raise Fallback
        self.weight += (len(completed) if type(completed) is str else NUMBER_WEIGHT) + LEAF_OVERHEAD
        if self.weight > self.limit:
            raise Fallback
        return completed

    def weigh(self, weight: int) -> None:
        """An answer already made (and weighed once) written again: its weight counts again."""
        self.weight += weight
        if self.weight > self.limit:
            raise Fallback

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
        """The selections of one object into `out`, in order, by the selection's compiled function
        (service/plan_compile.py: its plain leaves written out, every other selection by its kind's step)."""
        compiled = selection.compiled
        if compiled is None:
            compiled = selection.compiled = compile_fill(selection)
        compiled(self, source, path, out)

    def info_of(self, parent_type: GraphQLObjectType, plan: FieldPlan, path: Path | None) -> Any:
        """The field's info for this request, made on its first object: graphql-core's for a resolver, else only
        what a type check and a relation's reader check read (`TypeCheckInfo`: the context)."""
        field_path = Path(path, plan.response_name, parent_type.name)
        info: Any
        if plan.kind is Kind.RESOLVE:
            nodes = to_nodes(plan.field_details)
            info = self.executor.build_resolve_info(plan.field_def, nodes, parent_type, field_path)
        else:
            info = TypeCheckInfo(field_path, self.executor.context_value)
        self.infos[id(plan)] = info
        return info

    def relation(self, plan: FieldPlan, source: Any, info: Any, out: dict[str, Any]) -> None:
        relation = plan.relation
        assert relation is not None
        key = getattr(source, relation.key)
        if key is None and relation.with_parent:
            raise Fallback  # the resolver's loader refuses a null key: graphql-core words it
        # The same reference answer again in this request (a page's visits share hospitals): only for a relation
        # that checks no reader, so nothing to record or refuse is skipped.
        known = self.references.get((id(plan), key)) if relation.part is None else None
        if known is not None:
            self.weigh(known[1])
            out[plan.response_name] = known[0]
            return
        recorded = None if relation.part is None else reader_check(info, source.person_id, relation.part)
        target = relation.target
        shared = self.loaders.shared
        selection = plan.selection
        if (
            selection is not None and selection.pure and key is not None and shared is not None
            and relation.loader.shared and recorded is None and not relation.many
        ):
            entry = shared.entry(relation.loader, key)
            before = self.weight
            answer = IMPURE if entry is None else reference_answer(self, plan, entry)
            if answer is not IMPURE:
                out[plan.response_name] = answer
                if relation.part is None:
                    self.references[(id(plan), key)] = (answer, self.weight - before)
                return
        loader = self.loaders.get(relation.loader)  # made only now: a shared row answered above needs none
        if relation.loader.shared and shared is not None and shared.seconds > 0 and target is not None:
            # A reference row shared by the worker's requests: its object too (loaders/shared.py).
            mapped, make = shared.mapped, target
            target = lambda row: mapped(make, row)  # noqa: E731
        then = self.then_of(plan, target, source, info, out)
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

    def then_of(self, plan: FieldPlan, target: Any, source: Any, info: Any, out: dict[str, Any]) -> Then:
        """What a relation does with its loader's value: its object, or list, or object made with the parent."""
        relation, name = plan.relation, plan.response_name
        assert relation is not None
        if relation.with_parent:  # never a worker-shared loader's (schema/relation.py): `target` is the field's own
            def made(value: Any) -> None:
                out[name] = self.complete(plan, target(source, value), info)
            return made
        if relation.many:
            def listed(value: Any) -> None:
                out[name] = self.complete(plan, [target(row) for row in value], info)
            return listed

        def single(value: Any) -> None:
            out[name] = self.complete(plan, None if value is None else target(value), info)
        return single

    def resolve(self, plan: FieldPlan, source: Any, info: Any, out: dict[str, Any]) -> None:
        executor = self.executor
        args = plan.arguments  # coerced when the plan was made, unless a variable is among them (service/direct.py)
        if args is None:
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
        if plan.possible is not None:  # an interface or union: the value's own type, as graphql-core resolves it
            resolve_type = plan.abstract_type.resolve_type
            runtime = resolve_type(value, info, plan.abstract_type) if resolve_type is not None else None
            known = plan.possible.get(runtime) if type(runtime) is str else None
            if known is None:
                raise Fallback  # no type, an awaited one, or not one of the type's: graphql-core words it
            object_type, selection = known
        assert object_type is not None and selection is not None
        out: dict[str, Any] = {}
        is_type_of = object_type.is_type_of
        if is_type_of is not None:
            allowed = is_type_of(value, info)
            if allowed is not True:  # True at once (the owner's objects, reference types): nothing to await
                if self.is_awaitable(allowed):
                    def then(passed: Any) -> None:
                        if not passed:
                            raise Fallback
                        self.fill(selection, value, path, out)

                    self.pending.append((allowed, then))
                    return out
                if not allowed:
                    raise Fallback
        compiled = selection.compiled  # `fill`, without its frame: the step every object of a list takes
        if compiled is None:
            compiled = selection.compiled = compile_fill(selection)
        compiled(self, value, path, out)
        return out
