"""Variations of a generated document as clients write them: variables, aliases, fragments and @skip/@include.

hypothesis-graphql writes every argument as a literal and every selection plainly; `vary` rewrites such a document
at random (from a seed hypothesis draws, so a failure shrinks and replays): some arguments become variables of the
argument's type with the literal's value sent as JSON, some fields get an alias, some get `@skip`/`@include` (by
literal or by variable), and some runs of selections move into an inline fragment or a named fragment on their
parent type.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

import graphql
from graphql.language import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
)


def _sendable(value: Any) -> bool:
    """Whether a literal's value can travel as a JSON variable (1e999 is a float literal, but no JSON number)."""
    try:
        json.dumps(value, allow_nan=False)
    except (ValueError, TypeError):
        return False
    return True


def _name(value: str) -> NameNode:
    return NameNode(value=value)


@dataclass
class _Varying:
    schema: graphql.GraphQLSchema
    rng: random.Random
    variables: dict[str, Any] = field(default_factory=dict)
    definitions: list[VariableDefinitionNode] = field(default_factory=list)
    fragments: list[FragmentDefinitionNode] = field(default_factory=list)

    def variable(self, type_node: graphql.TypeNode, value: Any) -> VariableNode:
        name = f"v{len(self.definitions)}"
        self.definitions.append(VariableDefinitionNode(variable=VariableNode(name=_name(name)), type=type_node,
                                                       directives=()))
        self.variables[name] = value
        return VariableNode(name=_name(name))

    def condition(self) -> DirectiveNode:
        include = self.rng.random() < 0.5
        shown = self.rng.random() < 0.7
        value: graphql.ValueNode = BooleanValueNode(value=shown if include else not shown)
        if self.rng.random() < 0.5:
            value = self.variable(graphql.parse_type("Boolean!"), shown if include else not shown)
        argument = ArgumentNode(name=_name("if"), value=value)
        return DirectiveNode(name=_name("include" if include else "skip"), arguments=(argument,))

    def arguments(self, node: FieldNode, definition: graphql.GraphQLField | None) -> tuple[ArgumentNode, ...]:
        varied = []
        for argument in node.arguments or ():
            declared = definition.args.get(argument.name.value) if definition else None
            value = graphql.value_from_ast_untyped(argument.value)
            if declared is not None and _sendable(value) and self.rng.random() < 0.4:
                type_node = graphql.parse_type(str(declared.type))
                varied.append(ArgumentNode(name=argument.name, value=self.variable(type_node, value)))
            else:
                varied.append(argument)
        return tuple(varied)

    def field(self, node: FieldNode, parent: graphql.GraphQLNamedType) -> FieldNode:
        definition = parent.fields.get(node.name.value) if isinstance(parent, graphql.GraphQLObjectType
                                                                      | graphql.GraphQLInterfaceType) else None
        selection_set = node.selection_set
        if selection_set is not None and definition is not None:
            selection_set = self.selections(selection_set, graphql.get_named_type(definition.type))
        alias = _name(f"a{self.rng.randrange(1000)}") if self.rng.random() < 0.2 else node.alias
        directives = (self.condition(),) if self.rng.random() < 0.15 else tuple(node.directives or ())
        return FieldNode(alias=alias, name=node.name, arguments=self.arguments(node, definition),
                         directives=directives, selection_set=selection_set)

    def selections(self, selection_set: SelectionSetNode, parent: graphql.GraphQLNamedType) -> SelectionSetNode:
        varied: list[graphql.SelectionNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                varied.append(self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                assert inner is not None
                varied.append(InlineFragmentNode(type_condition=condition, directives=selection.directives,
                                                 selection_set=self.selections(selection.selection_set, inner)))
            else:
                varied.append(selection)
        if self.rng.random() < 0.4:
            start = self.rng.randrange(len(varied))
            end = self.rng.randrange(start, len(varied)) + 1
            inner_set = SelectionSetNode(selections=tuple(varied[start:end]))
            directives = (self.condition(),) if self.rng.random() < 0.3 else ()
            if self.rng.random() < 0.5:
                moved: graphql.SelectionNode = InlineFragmentNode(directives=directives, selection_set=inner_set)
            else:
                name = f"F{len(self.fragments)}"
                self.fragments.append(FragmentDefinitionNode(
                    name=_name(name), type_condition=NamedTypeNode(name=_name(parent.name)), directives=(),
                    selection_set=inner_set,
                ))
                moved = FragmentSpreadNode(name=_name(name), directives=directives)
            varied[start:end] = [moved]
        return SelectionSetNode(selections=tuple(varied))


def vary(schema: graphql.GraphQLSchema, document: str, seed: int) -> tuple[str, dict[str, Any]]:
    """The document rewritten at random from `seed`, and the values of the variables it now declares."""
    parsed = graphql.parse(document)
    varying = _Varying(schema, random.Random(seed))
    definitions: list[graphql.DefinitionNode] = []
    for definition in parsed.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            assert root is not None
            selection_set = varying.selections(definition.selection_set, root)
            definitions.append(OperationDefinitionNode(
                operation=definition.operation, name=definition.name, directives=definition.directives,
                variable_definitions=tuple(varying.definitions), selection_set=selection_set,
            ))
        else:
            definitions.append(definition)
    definitions += varying.fragments
    return graphql.print_ast(DocumentNode(definitions=tuple(definitions))), varying.variables
