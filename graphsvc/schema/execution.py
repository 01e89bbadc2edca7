"""How graphql-core runs this schema's documents: strawberry's execution context, with lists of
plain objects completed in one pass.

graphql-core completes every field of every item of a list on its own: a resolve info, the
resolver (for a plain attribute, strawberry's default resolver), then the completion of the
value, about 5 µs a field; a 500-node ``neighborhood`` answer is thousands of them.
:class:`ExecutionContext` completes a list whose items are objects selected with leaf fields
only, each of them a plain attribute (strawberry's default resolver: no resolver, no arguments,
no permission or extension), in one pass: each item's answer is built directly, each value
coerced by its GraphQL type as graphql-core would. Whenever anything else would happen (an item
that is null, a value that is null for a non-null field, a value its type refuses, an
attribute missing), the whole list is completed by graphql-core instead, from the start, so its
answer and errors (messages, paths) are graphql-core's own. Lists with directives on their
fields, deferred or streamed parts, middleware, or items of types that check them
(``is_type_of``) are always left to graphql-core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from types import SimpleNamespace
from typing import Any, Final, NamedTuple, overload

from graphql import (
    GraphQLEnumType,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    TypeNameMetaFieldDef,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

__all__ = ["Columns", "ExecutionContext"]

_TEXTS: Final = (GraphQLString, GraphQLID)
"""Scalars whose output value for a ``str`` is that ``str`` itself."""


class _Leaf(NamedTuple):
    """How one response key of an item is filled: from which attribute (None: the type's
    name, ``__typename``), coerced by which type, and whether null is allowed."""

    key: str
    attribute: str | None
    type: GraphQLLeafType
    non_null: bool


_Plan = tuple[_Leaf, ...] | None
"""The leaves of an item, or None when the list is left to graphql-core."""


class Columns(Sequence[Any]):
    """Objects held as columns: ``columns[attribute][i]`` is item ``i``'s ``attribute``, every
    column as long as the others. :class:`ExecutionContext` completes them column by column;
    anything else sees each item as an object with those attributes only.

    A resolver returns one for a list whose selection it has checked asks for no other
    attribute (:func:`graphsvc.schema.types.selected`).

    >>> rows = Columns(id=["a", "b"], name=["A", "B"])
    >>> len(rows), rows[1].name, [row.id for row in rows]
    (2, 'B', ['a', 'b'])
    """

    __slots__ = ("columns", "length")

    def __init__(self, **columns: list[Any]) -> None:
        lengths = {len(column) for column in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self.columns = columns
        self.length = lengths.pop() if lengths else 0

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, i: int) -> Any: ...

    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self.length))]
        return SimpleNamespace(**{name: column[i] for name, column in self.columns.items()})


class _Refused(Exception):
    """A value the single pass does not complete itself (graphql-core will)."""


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context (resolvers get strawberry's ``Info``), completing lists of
    plain objects in one pass (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, _Plan]] = {}

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        item_type = return_type.of_type
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(result, list | tuple | Columns) and isinstance(
            object_type, GraphQLObjectType
        ):
            plan = self._plan(object_type, field_details_list)
            if plan is not None:
                try:
                    if isinstance(result, Columns):
                        return _complete_columns(result, plan, object_type.name)
                    return _complete_items(result, plan, object_type.name)
                except _Refused:
                    pass
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plan(self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> _Plan:
        """The leaves of ``object_type`` selected by ``field_details_list``, once per list field
        of the document; None when the list is not one of plain objects."""
        key = (object_type, id(field_details_list))
        cached = self._plans.get(key)
        if cached is None:
            cached = (field_details_list, self._new_plan(object_type, field_details_list))
            self._plans[key] = cached  # the list kept alive: its id is not reused meanwhile
        return cached[1]

    def _new_plan(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> _Plan:
        if (
            self.middleware_manager is not None
            or object_type.is_type_of is not None
            or any(details.node.directives for details in field_details_list)
        ):
            return None
        collected = self.collect_subfields(object_type, field_details_list)
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            return None
        leaves = []
        for key, sub_fields in collected.grouped_field_set.items():
            if any(
                details.node.directives
                or details.node.arguments
                or details.node.selection_set
                or details.defer_usage is not None
                for details in sub_fields
            ):
                return None
            name = sub_fields[0].node.name.value
            field = self.schema.get_field(object_type, name)
            if field is None:
                return None
            nullable = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if not is_leaf_type(nullable) or field.args:
                return None
            if field is TypeNameMetaFieldDef:
                attribute = None
            elif getattr(field.resolve, "_is_default", False):
                attribute = field.extensions["strawberry-definition"].python_name
            else:
                return None
            leaves.append(_Leaf(key, attribute, nullable, nullable is not field.type))
        return tuple(leaves)


def _complete_items(items: Iterable[Any], plan: tuple[_Leaf, ...], type_name: str) -> list[Any]:
    """Each item's answer by ``plan``; :class:`_Refused` at anything graphql-core would answer
    with an error or a null."""
    coercers = [_coercer(leaf.type) for leaf in plan]
    completed = []
    for item in items:
        if item is None:
            raise _Refused
        answer: dict[str, Any] = {}
        for leaf, coerce in zip(plan, coercers, strict=True):
            if leaf.attribute is None:
                answer[leaf.key] = type_name
                continue
            value = getattr(item, leaf.attribute, Undefined)
            if value is Undefined:
                raise _Refused
            if value is None:
                if leaf.non_null:
                    raise _Refused
                answer[leaf.key] = None
                continue
            answer[leaf.key] = coerce(value)
        completed.append(answer)
    return completed


def _complete_columns(items: Columns, plan: tuple[_Leaf, ...], type_name: str) -> list[Any]:
    """Each item's answer by ``plan``, a column at a time; :class:`_Refused` as
    :func:`_complete_items`."""
    columns: list[list[Any]] = []
    for leaf in plan:
        if leaf.attribute is None:
            columns.append([type_name] * len(items))
            continue
        values = items.columns.get(leaf.attribute)
        if values is None:
            raise _Refused
        if leaf.type in _TEXTS and all(type(value) is str for value in values):
            columns.append(values)
            continue
        coerce = _coercer(leaf.type)
        if leaf.non_null and any(value is None for value in values):
            raise _Refused
        columns.append([None if value is None else coerce(value) for value in values])
    keys = [leaf.key for leaf in plan]
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _coercer(leaf_type: GraphQLLeafType) -> Callable[[Any], Any]:
    """``leaf_type.coerce_output_value`` raising :class:`_Refused` instead of an error or a
    null; a text passed through for String and ID, an enum's values looked up once each (the
    coercion of a leaf type is a function of the value)."""
    coerce = leaf_type.coerce_output_value

    def checked(value: Any) -> Any:
        try:
            coerced = coerce(value)
        except Exception as exc:
            raise _Refused from exc
        if coerced is None or coerced is Undefined:
            raise _Refused
        return coerced

    if leaf_type in _TEXTS:
        return lambda value: value if type(value) is str else checked(value)
    if isinstance(leaf_type, GraphQLEnumType):
        names: dict[Any, Any] = {}

        def named(value: Any) -> Any:
            try:
                return names[value]
            except KeyError:
                names[value] = found = checked(value)
                return found
            except TypeError:  # not hashable
                return checked(value)

        return named
    return checked
