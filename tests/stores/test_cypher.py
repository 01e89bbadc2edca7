"""Every Cypher statement the Neo4j store can emit, checked without a server.

- Each statement parses with the ANTLR Cypher grammar of PyPI ``antlr4-cypher``.
- Each statement's labels, relationship types and property keys are checked against the model
  on the parse tree (``cypher-guard`` 3.0's own parser rejects ``MERGE (n:L {id: row.id})`` and
  ``WHERE $x IN n.list``, so it cannot check these statements; this is the equivalent check).
- Every read of the graph names graph nodes (``InnonetNode`` or a model label) and model
  relationship types only, so the bookkeeping (sources, holdings, meta) never shows as a node
  or a relation; the holdings are reached from the source node, never by a scan.
- Each node and relation type's statements, and the shared ones, match committed golden files
  (``INNONET_UPDATE_GOLDEN=1`` rewrites them).

The grammar has no schema commands (``CREATE CONSTRAINT``/``CREATE INDEX``): those statements are
matched against Neo4j 5's forms, and their pattern and properties are parsed as a ``MATCH``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from antlr4 import CommonTokenStream, InputStream, ParserRuleContext
from antlr4.error.ErrorListener import ErrorListener
from antlr4_cypher import CypherLexer, CypherParser

from graphsvc.model import NODE_TYPES, RELATION_PROPERTIES, RELATION_TYPES
from graphsvc.stores import cypher

GOLDEN = Path(__file__).parent / "golden"
STATEMENTS = list(cypher.all_statements())

# Keys that are not graph properties: fields of the parameter rows and of returned maps.
ROW_KEYS = {"id", "props", "extra", "source", "target", "type"}
BOOKKEEPING_KEYS = {
    cypher.NAME_KEY,
    cypher.SEARCH_KEY,
    "key",
    "name",
    "loaded_at",
    "data_version",
    "layout",
    "published",
    "refresh_lock",
    "refresh_lock_until",
    "refresh_lock_checked",
    "refresh_dirty",
    "epochMillis",
    cypher.FROM_KEY,
    cypher.UNTIL_KEY,
    "gdsVersion",
}
GDS_CONFIG_KEYS = {
    "undirectedRelationshipTypes",
    "useWassermanFaust",
    "samplingSize",
    "samplingSeed",
}
NODE_KEYS = {"id"} | {p.name for t in NODE_TYPES for p in t.properties}
REL_KEYS = {"id"} | {p.name for p in RELATION_PROPERTIES}
MODEL_LABELS = {t.name for t in NODE_TYPES}
LABELS = MODEL_LABELS | set(cypher.BOOKKEEPING_LABELS)
MODEL_REL_TYPES = {t.name for t in RELATION_TYPES}
REL_TYPES = MODEL_REL_TYPES | set(cypher.BOOKKEEPING_TYPES)


class _Errors(ErrorListener):  # type: ignore[misc]
    def __init__(self) -> None:
        self.messages: list[str] = []

    def syntaxError(
        self, recognizer: object, symbol: object, line: int, column: int, msg: str, e: object
    ) -> None:
        self.messages.append(f"{line}:{column}: {msg}")


def parse(text: str) -> ParserRuleContext:
    """The parse tree of ``text``; a syntax error fails the test."""
    errors = _Errors()
    lexer = CypherLexer(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(errors)
    parser = CypherParser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(errors)
    tree = parser.script()
    assert not errors.messages, f"syntax errors {errors.messages} in: {text}"
    return tree


def _walk(tree: ParserRuleContext) -> list[ParserRuleContext]:
    found = [tree]
    for child in tree.getChildren():
        if isinstance(child, ParserRuleContext):
            found += _walk(child)
    return found


def vocabulary(tree: ParserRuleContext) -> tuple[set[str], set[str], set[str]]:
    """Labels, relationship types and property keys (``x.key`` lookups and map keys) used."""
    labels: set[str] = set()
    types: set[str] = set()
    keys: set[str] = set()
    for node in _walk(tree):
        if isinstance(node, CypherParser.NodeLabelsContext):
            labels |= {name.getText() for name in node.name()}
        elif isinstance(node, CypherParser.RelationshipTypesContext):
            types |= {name.getText() for name in node.name()}
        elif isinstance(node, CypherParser.PropertyExpressionContext):
            keys |= {name.getText() for name in node.name()}
        elif isinstance(node, CypherParser.MapPairContext):
            keys.add(node.name().getText())
    return labels, types, keys


SCHEMA_FORMS = (
    re.compile(
        r"CREATE CONSTRAINT (?P<name>\w+) IF NOT EXISTS FOR \(n:(?P<label>\w+)\) "
        r"REQUIRE n\.(?P<keys>\w+) IS UNIQUE"
    ),
    re.compile(
        r"CREATE (?:TEXT )?INDEX (?P<name>\w+) IF NOT EXISTS FOR \(n:(?P<label>\w+)\) "
        r"ON \((?P<keys>n\.\w+(?:, n\.\w+)*)\)"
    ),
    re.compile(
        r"CREATE INDEX (?P<name>\w+) IF NOT EXISTS FOR \(\)-\[r:(?P<type>\w+)\]-\(\) "
        r"ON \(r\.(?P<keys>\w+)\)"
    ),
)


def schema_as_match(text: str) -> str:
    """A schema statement's pattern and properties as a query the grammar knows."""
    for form in SCHEMA_FORMS:
        found = form.fullmatch(text)
        if found:
            keys = [k.removeprefix("n.").removeprefix("r.") for k in found["keys"].split(", ")]
            if "type" in form.groupindex:
                ret = ", ".join(f"r.{k}" for k in keys)
                return f"MATCH ()-[r:{found['type']}]-() RETURN {ret}"
            return f"MATCH (n:{found['label']}) RETURN {', '.join(f'n.{k}' for k in keys)}"
    raise AssertionError(f"not a Neo4j 5 constraint or index definition: {text}")


def test_statements_are_enumerated_once_each() -> None:
    names = [s.name for s in STATEMENTS]
    assert len(names) == len(set(names))
    assert len(STATEMENTS) > 100


@pytest.mark.parametrize("statement", STATEMENTS, ids=lambda s: s.name)
def test_statement_parses_and_fits_the_model(statement: cypher.Statement) -> None:
    text = schema_as_match(statement.text) if statement.schema else statement.text
    labels, types, keys = vocabulary(parse(text))
    assert labels <= LABELS, f"labels outside the model: {labels - LABELS}"
    assert types <= REL_TYPES, f"relationship types outside the model: {types - REL_TYPES}"
    allowed = NODE_KEYS | REL_KEYS | BOOKKEEPING_KEYS | ROW_KEYS | GDS_CONFIG_KEYS
    assert keys <= allowed, f"property keys outside the model: {keys - allowed}"


def _graph_read(name: str) -> bool:
    """Statements that read the graph itself (not the sources, the meta node or the schema)."""
    if name.startswith(("path.", "centrality.", "gds.project.")):
        return True
    return name.startswith("read.") and name not in (
        "read.data_version",
        "read.layout",
        "read.sources",
        "read.holders.relationships",
    )


GRAPH_READS = [s for s in STATEMENTS if _graph_read(s.name)]


def _patterns(tree: ParserRuleContext) -> list[ParserRuleContext]:
    """Each pattern (a chain of nodes and relationships) of a tree, pattern comprehensions too."""
    return [
        node
        for node in _walk(tree)
        if isinstance(
            node, CypherParser.PatternElemContext | CypherParser.RelationshipsChainPatternContext
        )
    ]


def _in_pattern(pattern: ParserRuleContext, kind: type) -> list[ParserRuleContext]:
    """The nodes of ``kind`` in ``pattern`` itself (not in patterns nested inside it)."""
    found = []
    for child in pattern.getChildren():
        if isinstance(child, kind):
            found.append(child)
        elif isinstance(child, ParserRuleContext) and not isinstance(
            child, CypherParser.PatternElemContext | CypherParser.RelationshipsChainPatternContext
        ):
            found += _in_pattern(child, kind)
    return found


def _labels_of(node: ParserRuleContext) -> set[str]:
    labels = node.nodeLabels()
    return {name.getText() for name in labels.name()} if labels else set()


def _types_of(rel: ParserRuleContext) -> set[str]:
    detail = rel.relationDetail()
    types = detail.relationshipTypes() if detail else None
    return {name.getText() for name in types.name()} if types else set()


@pytest.mark.parametrize("statement", GRAPH_READS, ids=lambda s: s.name)
def test_graph_reads_never_see_bookkeeping(statement: cypher.Statement) -> None:
    """Every pattern of a graph read matches graph nodes and model relations only.

    A relationship in a graph pattern must name model types (a bare ``-[r]-`` would also walk a
    source's ``HOLDS``); a labelled node must carry ``InnonetNode`` or a model label; an unlabelled
    node is only allowed at the end of a model relationship (which joins ``InnonetNode``s only).
    The one holdings walk allowed is ``(:InnonetSource)-[:HOLDS]->(n)`` of ``read.holders.nodes``,
    whose graph node is matched by label outside it.
    """
    graph_labels = MODEL_LABELS | {cypher.NODE_LABEL}
    for pattern in _patterns(parse(statement.text)):
        rels = _in_pattern(pattern, CypherParser.RelationshipPatternContext)
        nodes = _in_pattern(pattern, CypherParser.NodePatternContext)
        types = set().union(*(_types_of(r) for r in rels)) if rels else set()
        if statement.name == "read.holders.nodes" and types == {cypher.HOLDS}:
            assert [_labels_of(n) for n in nodes] == [{cypher.SOURCE_LABEL}, set()]
            continue
        for rel in rels:
            assert _types_of(rel), f"an untyped relationship in {pattern.getText()}"
            assert _types_of(rel) <= MODEL_REL_TYPES, pattern.getText()
        for node in nodes:
            labels = _labels_of(node)
            if labels:
                assert labels & graph_labels, pattern.getText()
                assert not labels & (set(cypher.BOOKKEEPING_LABELS) - {cypher.NODE_LABEL})
            else:
                assert rels, f"an unlabelled node outside a relationship: {pattern.getText()}"


def test_holdings_are_walked_from_the_source() -> None:
    """What a source holds is found from its node (by the unique name), never by a scan."""
    for statement in (cypher.HELD_NODES, cypher.HELD_RELATIONSHIPS):
        assert statement.text.startswith(f"MATCH (:{cypher.SOURCE_LABEL} {{name: $source}})-[")
    texts = " ".join(s.text for s in STATEMENTS)
    assert "innonet_sources" not in texts
    assert not re.search(r"\bIN [a-z]+\.", texts), "list membership on a property (no index)"
    schema = " ".join(s.text for s in cypher.schema_statements())
    assert f"FOR (n:{cypher.SOURCE_LABEL}) REQUIRE n.name IS UNIQUE" in schema
    assert f"FOR ()-[r:{cypher.HOLDS_RELATIONSHIP}]-() ON (r.id)" in schema


def test_a_typo_is_caught() -> None:
    labels, _, keys = vocabulary(parse("MATCH (n:Institutoin) WHERE n.contry = $c RETURN n"))
    assert labels - LABELS == {"Institutoin"}
    assert keys - NODE_KEYS == {"contry"}


def test_schema_covers_every_type() -> None:
    texts = [s.text for s in cypher.schema_statements()]
    for t in NODE_TYPES:
        assert f"FOR (n:{t.name}) REQUIRE n.id IS UNIQUE" in " ".join(texts)
    for r in RELATION_TYPES:
        assert any(f"[r:{r.name}]" in text for text in texts)
    assert all("IF NOT EXISTS" in text for text in texts)


@pytest.mark.parametrize("bad", ["Person", "Institution) DETACH DELETE (m", "", "institution"])
def test_a_label_outside_the_model_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a node label"):
        cypher.label(bad)
    with pytest.raises(ValueError, match="not a relation type"):
        cypher.relationship_type(bad)


@pytest.mark.parametrize("hops", [0, 9, -1, True, "3", 2.0])
def test_path_bounds_are_validated_ints(hops: object) -> None:
    with pytest.raises(ValueError, match="max_hops"):
        cypher.shortest_path(hops, typed=False, via=False)  # type: ignore[arg-type]


def test_an_unknown_search_filter_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown search filters"):
        cypher.search_page(["name"], after=False)


def test_values_are_parameters() -> None:
    """No statement carries a quoted value except the fixed meta key and GDS's ``'*'``."""
    for statement in STATEMENTS:
        quoted = set(re.findall(r"'([^']*)'", statement.text))
        assert quoted <= {"graph", "*"}, (statement.name, quoted)


TYPE_NAMES = [t.name for t in NODE_TYPES] + [t.name for t in RELATION_TYPES]
SHARED = "shared"
"""The golden file of every statement that belongs to no single type (bookkeeping, reads)."""


def _of_type(statement: cypher.Statement, type_name: str) -> bool:
    return statement.name.split(".")[-1] == type_name or f".{type_name}." in statement.name


def _golden_text(prefix: str) -> str:
    if prefix == SHARED:
        chosen = [s for s in STATEMENTS if not any(_of_type(s, t) for t in TYPE_NAMES)]
    else:
        chosen = [s for s in STATEMENTS if _of_type(s, prefix)]
    return "".join(f"// {s.name}\n{s.text}\n\n" for s in chosen)


@pytest.mark.parametrize("type_name", [*TYPE_NAMES, SHARED])
def test_golden(type_name: str) -> None:
    text = _golden_text(type_name)
    assert text, f"no statements for {type_name}"
    path = GOLDEN / f"{type_name}.cypher"
    if os.environ.get("INNONET_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with INNONET_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
