"""What the server must know of a SPARQL text before the engine runs it: dataset clauses, SERVICE calls, USING.

pyoxigraph parses and evaluates in one call and shows no syntax tree, so these questions go to rdflib's SPARQL
grammar, which reads the text the way the engine does (strings, IRIs, comments, `\\u` escapes; a lexer misreads
`?a<'x>` in a FILTER). Parsing costs milliseconds, so a plain text test comes first: most requests name neither
FROM nor SERVICE, and those never reach the grammar.

>>> names_dataset("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
True
>>> names_dataset('SELECT * WHERE { ?s <http://example.org/from> "FROM" }')
False
>>> service_calls('PREFIX ex: <http://example.org/> SELECT * { SERVICE ex:sparql { ?s ?p ?o } }')
['http://example.org/sparql']
>>> service_calls('SELECT * { ?s ?p "a service" } # SERVICE <http://example.org/>')
[]
>>> print(with_protocol_dataset("INSERT { ?s a <urn:C> } WHERE { ?s ?p ?o }", ["http://example.org/g"], []))
INSERT { ?s a <urn:C> } USING <http://example.org/g> WHERE { ?s ?p ?o }
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import pyoxigraph as ox
from pyparsing import Optional, ParseBaseException
from rdflib.plugins.sparql import parser as grammar
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable


class UncheckableSparql(ValueError):
    """The grammar could not read a text that had to be checked; the message says why."""


def names_dataset(query: str) -> bool:
    """Whether a query picks its own dataset with FROM / FROM NAMED (then a union default graph must not apply).

    A query the grammar cannot read is taken to name none: the engine then reports its syntax error.
    """
    text = _expanded(query)
    # The grammar costs tens of ms: only for texts that may hold the keyword.
    if not _may_mention(text, "from") or not _FROM_WORD.search(text):
        return False
    try:
        parsed = _parse(text, update=False)
    except (ParseBaseException, RecursionError):
        return False
    return "datasetClause" in parsed[1]


# The prologue (BASE and PREFIX declarations, comments) and the keyword after it name a query's form.
_QUERY_FORM = re.compile(
    r"(?:\s|#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>)*(SELECT|CONSTRUCT|DESCRIBE|ASK)\b",
    re.IGNORECASE,
)


def query_form(query: str) -> str | None:
    r"""SELECT, CONSTRUCT, DESCRIBE or ASK, from the keyword after the prologue; None when the text has none.

    A remote server is asked for results or for a graph by this: a client must say which it can read.

    >>> query_form("PREFIX ex: <http://example.org/#> # a graph\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    >>> query_form("BASE <http://example.org/> ASK {}"), query_form("INSERT DATA {}")
    ('ASK', None)
    """
    found = _QUERY_FORM.match(query)
    return found.group(1).upper() if found else None


def service_calls(text: str, *, update: bool = False) -> list[str | None]:
    """The endpoints that a query (or update) would call with SERVICE; None for one the text cannot pin down.

    An endpoint is None when it is a variable, a relative IRI, or a prefixed name whose prefix is declared
    twice: an allow-list can only vouch for an absolute IRI known before evaluation.
    Raises UncheckableSparql when the text mentions SERVICE but the grammar cannot read it.
    """
    expanded = _expanded(text)
    if not _may_mention(expanded, "service") or not _SERVICE_WORD.search(expanded):
        return []
    try:
        parsed = _parse(expanded, update=update)
    except (ParseBaseException, RecursionError) as error:
        raise UncheckableSparql(f"the request mentions SERVICE and could not be read to check it: {error}") from error
    prefixes = _prefixes(parsed)
    return [_endpoint(node["term"], prefixes) for node in _nodes(parsed, "ServiceGraphPattern")]


def with_protocol_dataset(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """The update with the protocol's `using-graph-uri` / `using-named-graph-uri` written into each operation.

    The SPARQL 1.1 Protocol gives these parameters the meaning of USING / USING NAMED clauses on every
    DELETE/INSERT operation; the engine only reads clauses, so they are added to the text. `DELETE WHERE`
    takes no USING, so it is written out as the equivalent `DELETE {…} USING … WHERE {…}`.
    Raises UncheckableSparql if the grammar cannot read the update, and ValueError if the update already has
    USING or WITH (the protocol forbids both at once) or a graph is not an absolute IRI.
    """
    clauses = " ".join(
        [f"USING {ox.NamedNode(g)}" for g in using] + [f"USING NAMED {ox.NamedNode(g)}" for g in using_named]
    )
    text = _expanded(update)
    try:
        parsed = _parse(text, update=True)[0]
    except (ParseBaseException, RecursionError) as error:
        raise UncheckableSparql(f"the update could not be read to apply its dataset: {error}") from error
    if any("withClause" in op or "using" in op for op in _nodes(parsed, "Modify")):
        raise ValueError("using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH in the update")
    edits: list[tuple[int, int, str]] = []
    for operation, start, end in _operations(text):
        if operation == "Modify":
            head_end = start + _match_end(_MODIFY_HEAD, text[start:end])
            edits.append((head_end, head_end, f" {clauses}"))
        elif operation == "DeleteWhere":
            pattern = _DELETE_WHERE.sub("", text[start:end], count=1)
            edits.append((start, end, f"DELETE {pattern} {clauses} WHERE {pattern}"))
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


# What a DELETE/INSERT operation starts with, up to where USING clauses go.
_MODIFY_HEAD = (grammar.DeleteClause + Optional(grammar.InsertClause)) | grammar.InsertClause
_DELETE_WHERE = re.compile(r"^DELETE(?:\s|#[^\n]*\n)*WHERE\s*", re.IGNORECASE)


_FROM_WORD = re.compile(r"\bfrom\b", re.IGNORECASE)
_SERVICE_WORD = re.compile(r"\bservice\b", re.IGNORECASE)


def _may_mention(text: str, word: str) -> bool:
    """Whether `word` (lower case) may be in `text` in any case: False only where the case-blind expressions above
    cannot match. They take tens of microseconds on a long query; this takes a few.

    >>> _may_mention("SELECT * WHERE { ?s ?p ?o }", "from"), _may_mention("select * FROM <g> {}", "from")
    (False, True)
    >>> _may_mention("\u017fERV\u0130CE", "service")
    True
    """
    lowered = text.lower()
    if word in lowered:
        return True
    # What a case-blind expression also takes for i and s: İ (whose lower case is i and a combining dot), ı, ſ.
    return not lowered.isascii() and word in lowered.replace("\u0307", "").replace("\u0131", "i").replace("\u017f", "s")


def _expanded(text: str) -> str:
    """The text with its `\\uXXXX` escapes decoded, as both grammars read it first."""
    try:
        return grammar.expandUnicodeEscapes(text)
    except ValueError as error:
        raise UncheckableSparql(str(error)) from error


# pyparsing grammars are not safe to run from two threads at once (their parse actions adapt on first use),
# and the endpoint checks requests from a thread pool.
_GRAMMAR_LOCK = threading.Lock()


def _parse(text: str, *, update: bool) -> Any:
    with _GRAMMAR_LOCK:
        if update:
            return grammar.UpdateUnit.parse_string(text, parse_all=True)
        return grammar.Query.parse_string(text, parse_all=True)


def _operations(update: str) -> list[tuple[str, int, int]]:
    """Each operation of an update: its grammar name, where it starts and ends."""
    with _GRAMMAR_LOCK:
        return [(tokens[0].name, start, end) for tokens, start, end in grammar.Update1.scan_string(update)]


def _match_end(expression: Any, text: str) -> int:
    with _GRAMMAR_LOCK:
        matches = list(expression.scan_string(text, max_matches=1))
    for _, start, end in matches:
        if start == 0:
            return end
    raise UncheckableSparql("could not find where the USING clauses go in a DELETE/INSERT operation")


def _nodes(tree: Any, name: str) -> Iterator[CompValue]:
    """Every node of the parse tree with this grammar name, depth first."""
    if isinstance(tree, CompValue):
        if tree.name == name:
            yield tree
        for value in tree.values():
            yield from _nodes(value, name)
    elif isinstance(tree, (list, tuple)) or hasattr(tree, "as_list"):
        for item in tree:
            yield from _nodes(item, name)


def _field(node: CompValue, key: str) -> Any:
    """A node's value for `key`, or None (CompValue.get answers a missing key with the key itself)."""
    return node[key] if key in node else None  # noqa: SIM401 - see above


def _prefixes(tree: Any) -> dict[str, str | None]:
    declared: dict[str, str | None] = {}
    for decl in _nodes(tree, "PrefixDecl"):
        prefix, iri = _field(decl, "prefix") or "", str(decl["iri"])
        declared[prefix] = iri if declared.get(prefix, iri) == iri else None
    return declared


def _endpoint(term: Any, prefixes: dict[str, str | None]) -> str | None:
    if isinstance(term, Variable):
        return None
    if isinstance(term, CompValue) and term.name == "pname":
        namespace = prefixes.get(_field(term, "prefix") or "")
        iri = None if namespace is None else namespace + (_field(term, "localname") or "")
    else:
        iri = str(term) if isinstance(term, URIRef) else None
    return iri if iri is not None and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) else None
