"""How graphql-core runs this schema's documents: strawberry's execution context, with plain
objects and lists of them completed in one pass.

graphql-core completes every field of every object on its own: a resolve info, the resolver
(for a plain attribute, strawberry's default resolver), then the completion of the value, about
5 µs a field; a 500-node ``neighborhood`` answer is thousands of them, a ``node`` lookup six.
:class:`ExecutionContext` completes an object, or a list of objects, selected with leaf fields
only, each of them a plain attribute (strawberry's default resolver: no resolver, no arguments,
no permission or extension), in one pass: each item's answer is built directly, each value
coerced by its GraphQL type as graphql-core would. Whenever anything else would happen (an item
that is null, a value that is null for a non-null field, a value its type refuses, an
attribute missing), the object or the whole list is completed by graphql-core instead, from the
start, so its answer and errors (messages, paths) are graphql-core's own. Selections with
directives on their fields, deferred or streamed parts, middleware, or types that check their
values (``is_type_of``) are always left to graphql-core.

The plan of a selection (which leaves, from which attributes, coerced how) is made once per
operation and shared by every run of it, as long as the operation lives (the service keeps
parsed documents in a cache); an operation with a directive anywhere (``@include(if: $x)``
makes what a selection collects depend on the variables) gets plans of its own at each run.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, Final, NamedTuple, overload

from graphql import (
    BREAK,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    Node,
    OperationDefinitionNode,
    TypeNameMetaFieldDef,
    Undefined,
    Visitor,
    is_leaf_type,
    visit,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

__all__ = ["Columns", "ExecutionContext"]

_TEXTS: Final = (GraphQLString, GraphQLID)
"""Scalars whose output value for a ``str`` is that ``str`` itself."""


class _Leaf(NamedTuple):
    """How one response key of an item is filled: from which attribute (None: the type's
    name, ``__typename``), coerced by which type (with which function: :func:`_coercer`), and
    whether null is allowed."""

    key: str
    attribute: str | None
    type: GraphQLLeafType
    non_null: bool
    coerce: Callable[[Any], Any]


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
    """strawberry's execution context (resolvers get strawberry's ``Info``), completing plain
    objects and lists of them in one pass (see the module)."""

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

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self._plan(return_type, field_details_list)
        if plan is not None:
            try:
                return _complete_items((result,), plan, return_type.name)[0]
            except _Refused:
                pass
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plan(self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> _Plan:
        """The leaves of ``object_type`` selected by ``field_details_list``; None when its values
        are not plain objects. Made once per field of the operation, for every execution of it
        when the operation's selections do not depend on its variables."""
        key = (object_type, id(field_details_list))
        cached = self._plans.get(key)
        if cached is None:
            shared = _shared_plans(self.operation, self.fragment_definitions)
            if shared is None or self.middleware_manager is not None:
                plan = self._new_plan(object_type, field_details_list)
            else:
                nodes = tuple(details.node for details in field_details_list)
                shared_key = (object_type, *map(id, nodes))
                found = shared.get(shared_key)
                if found is None:
                    # the nodes kept alive with the plan: their ids are not reused meanwhile
                    found = shared[shared_key] = (
                        nodes,
                        self._new_plan(object_type, field_details_list),
                    )
                plan = found[1]
            cached = (field_details_list, plan)
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
            leaves.append(
                _Leaf(key, attribute, nullable, nullable is not field.type, _coercer(nullable))
            )
        return tuple(leaves)


_PLANS: Final[dict[int, tuple[weakref.ref[OperationDefinitionNode], dict[Any, Any] | None]]] = {}
"""The plans of each operation by its ``id`` (None: its selections depend on its variables), for
as long as the operation is alive. Not a ``WeakKeyDictionary``: an AST node's hash is computed
from all of its fields, every time."""


def _shared_plans(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> dict[Any, Any] | None:
    """The plans shared by every execution of ``operation``: a dict when no directive appears
    in it or in ``fragments`` (what a selection collects then depends on the document alone),
    else None."""
    key = id(operation)
    found = _PLANS.get(key)
    if found is not None and found[0]() is operation:
        return found[1]
    plans: dict[Any, Any] | None = {}
    for node in (operation, *fragments.values()):
        if _has_directive(node):
            plans = None
            break

    def forget(ref: weakref.ref[OperationDefinitionNode]) -> None:
        if _PLANS.get(key, (None,))[0] is ref:
            del _PLANS[key]

    _PLANS[key] = (weakref.ref(operation, forget), plans)
    return plans


class _FindDirective(Visitor):
    found = False

    def enter_directive(self, *_: Any) -> Any:
        self.found = True
        return BREAK


def _has_directive(node: Node) -> bool:
    """Whether a directive appears anywhere in ``node``."""
    finder = _FindDirective()
    visit(node, finder)
    return finder.found


def _complete_items(items: Iterable[Any], plan: tuple[_Leaf, ...], type_name: str) -> list[Any]:
    """Each item's answer by ``plan``; :class:`_Refused` at anything graphql-core would answer
    with an error or a null."""
    completed = []
    for item in items:
        if item is None:
            raise _Refused
        answer: dict[str, Any] = {}
        for leaf in plan:
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
            answer[leaf.key] = leaf.coerce(value)
        completed.append(answer)
    return completed


def _complete_columns(items: Columns, plan: tuple[_Leaf, ...], type_name: str) -> list[Any]:
    """Each item's answer by ``plan``, a column at a time (each distinct object of an enum
    column coerced once); :class:`_Refused` as :func:`_complete_items`."""
    columns: list[Sequence[Any]] = []
    for leaf in plan:
        if leaf.attribute is None:
            columns.append([type_name] * len(items))
            continue
        values = items.columns.get(leaf.attribute)
        if values is None:
            raise _Refused
        if leaf.type in _TEXTS and set(map(type, values)) <= {str}:
            columns.append(values)
            continue
        if leaf.non_null and None in values:
            raise _Refused
        coerce = leaf.coerce
        if isinstance(leaf.type, GraphQLEnumType):
            # each distinct object once, found by identity (a member's hash runs Python code)
            distinct = dict(zip(map(id, values), values, strict=True))
            coerced = {
                key: None if value is None else coerce(value) for key, value in distinct.items()
            }
            columns.append(list(map(coerced.__getitem__, map(id, values))))
            continue
        columns.append([None if value is None else coerce(value) for value in values])
    return _rows_of(len(plan))(*(leaf.key for leaf in plan))(columns)


@functools.lru_cache(maxsize=16)
def _rows_of(width: int) -> Callable[..., Callable[[list[Sequence[Any]]], list[dict[str, Any]]]]:
    """A maker of the function turning ``width`` columns into rows (dicts) under ``width``
    keys: ``_rows_of(2)("id", "name")([ids, names])``. The function is a comprehension with a
    dict display of ``width`` entries, several times faster than ``dict(zip(keys, row))`` per
    row; its source is made from ``width`` alone, the keys (response names from the document)
    are bound as arguments, never written into it.

    >>> _rows_of(2)("id", "name")([["a", "b"], ["A", "B"]])
    [{'id': 'a', 'name': 'A'}, {'id': 'b', 'name': 'B'}]
    >>> _rows_of(1)("x")([[1, 2]]), _rows_of(0)()([])
    ([{'x': 1}, {'x': 2}], [])
    """
    keys = [f"k{i}" for i in range(width)]
    values = [f"v{i}" for i in range(width)]
    entries = ", ".join(f"{k}: {v}" for k, v in zip(keys, values, strict=True))
    source = (
        f"lambda {', '.join(keys)}: lambda columns: "
        f"[{{{entries}}} for {''.join(v + ', ' for v in values)}in zip(*columns, strict=True)]"
    )
    if width == 0:
        source = "lambda: lambda columns: []"
    made: Callable[..., Callable[[list[Sequence[Any]]], list[dict[str, Any]]]] = eval(
        source, {"__builtins__": {"zip": zip}}
    )
    return made


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
