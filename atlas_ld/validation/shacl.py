"""SHACL validation of project graphs in batches, each result tied back to the project (and page) it came from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urljoin

import pyoxigraph as ox
import rdflib
from pyshacl import validate
from pyshacl.graph_abstraction import OxigraphDataGraph, to_ox, to_rdf
from rdflib.namespace import SH

from atlas_ld.bundled import shapes_file
from atlas_ld.mapping.schemes import static_graphs
from atlas_ld.uris import UriScheme

# Projects per pyshacl call, and so per ingest batch (pages parsed, mapped, validated and stored together) and per
# `atlas-ld validate` read. pyshacl pays a large cost per call, so many projects share one; past a few hundred the
# cost per project no longer falls. Measured on 1,000 pages of the benchmark corpus (benchmarks/corpus.py), one
# process, parse + map + validate: 250 a batch took 6.8 s and 9.0 s in two runs, 500 took 7.2 s and 9.8 s, 150
# and 100 about 9.2 s. 250 is as fast as any, holds half as many graphs in memory at once, and gives worker processes
# twice as many batches to share.
DEFAULT_BATCH_SIZE = 250
_T = TypeVar("_T")
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def chunked(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    """Consecutive slices of `size` items (the last one shorter).

    >>> [list(c) for c in chunked([1, 2, 3, 4, 5], 2)]
    [[1, 2], [3, 4], [5]]
    """
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


@dataclass(frozen=True)
class Violation:
    """One SHACL result. `prj_id` is None when the node belongs to no project graph (vocabulary, schemes)."""

    prj_id: int | None
    focus_node: str
    path: str | None
    message: str
    severity: str  # "Violation", "Warning" or "Info"

    def __str__(self) -> str:
        """One line, the same in the ingest report, `rejected/` and `atlas-ld validate`: the message first (what
        to fix), then the node and property it is about; only a result that does not reject names its severity.

        >>> str(Violation(7, "https://a.example/id/project/7", "http://purl.org/dc/terms/title", "Missing", "Violation"))
        'Missing (<https://a.example/id/project/7> http://purl.org/dc/terms/title)'
        >>> str(Violation(None, "https://a.example/id/x", None, "Odd", "Warning"))
        'Warning: Odd (<https://a.example/id/x>)'
        """
        path = f" {self.path}" if self.path else ""
        severity = "" if self.severity == "Violation" else f"{self.severity}: "
        return f"{severity}{self.message} (<{self.focus_node}>{path})"


@dataclass
class ValidationReport:
    """What SHACL said about a set of project graphs. Only sh:Violation results reject a project."""

    violations: list[Violation] = field(default_factory=list)
    checked: int = 0

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)

    def rejected_ids(self) -> set[int]:
        """Projects to keep out of the published graph."""
        return {v.prj_id for v in self.violations if v.severity == "Violation" and v.prj_id is not None}

    def for_project(self, prj_id: int) -> list[Violation]:
        return [v for v in self.violations if v.prj_id == prj_id]

    def format(self) -> str:
        """A readable report: one block per project, violations before warnings."""
        if not self.violations:
            return f"{self.checked} project graph(s) checked: all conform."
        rejected = self.rejected_ids()
        errors = sum(v.severity == "Violation" for v in self.violations)
        summary = f"{self.checked} project graph(s) checked: {len(rejected)} rejected, "
        lines = [summary + f"{errors} violation(s), {len(self.violations) - errors} warning(s)."]
        by_project: dict[int | None, list[Violation]] = defaultdict(list)
        for v in self.violations:
            by_project[v.prj_id].append(v)
        for prj_id in sorted(by_project, key=lambda p: (p is None, p or 0)):
            title = f"project {prj_id}" if prj_id is not None else "shared graphs"
            status = "rejected" if prj_id in rejected else "kept"
            lines.append(f"- {title} ({status}):")
            lines += [f"    {v}" for v in sorted(by_project[prj_id], key=lambda v: (v.severity != "Violation", v.focus_node))]
        return "\n".join(lines)


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@cache
def load_shapes(base: str) -> rdflib.Graph:
    """The shapes, with their relative IRIs (and relative sh:namespace values) resolved against `base`."""
    graph = rdflib.Graph()
    graph.parse(shapes_file(), format="turtle", publicID=base)
    for declaration, namespace in list(graph.subject_objects(SH.namespace)):
        if ":" not in str(namespace):
            absolute = rdflib.Literal(urljoin(base, str(namespace)), datatype=rdflib.XSD.anyURI)
            graph.set((declaration, SH.namespace, absolute))
    _hoist_property_shapes(graph)
    return graph


def _hoist_property_shapes(graph: rdflib.Graph) -> None:
    """Give each property shape its node shape's targets, and detach it from the node shape.

    pyshacl checks the property shapes of a node shape one focus node at a time (building every constraint
    again for each node); a property shape with targets of its own checks all its focus nodes in one pass.
    The focus nodes, and so the results, are the same: this makes a batch of 500 projects many times faster.
    """
    for node_shape, property_shape in list(graph.subject_objects(SH.property)):
        targets = [(p, o) for p in _TARGETS for o in graph.objects(node_shape, p)]
        if not targets:
            continue
        for predicate, target in targets:
            graph.add((property_shape, predicate, target))
        graph.remove((node_shape, SH.property, property_shape))


class _BatchGraph(OxigraphDataGraph):
    """pyshacl's view of an in-memory Oxigraph store, never empty, answering lookups from an index per predicate.

    pyshacl writes `data_graph or shapes_graph` for every result it reports, and the truth value of a store is
    its length: a COUNT over the whole batch, per result. A batch is never empty, so say so.

    pyshacl looks a path up once per focus node and shape (a hundred thousand times a batch), and each lookup
    converted its terms between pyoxigraph and rdflib: most of the time of validation. The batch does not change
    while it is validated (no inference), so the triples of a predicate are read and converted once, the first
    time it is asked about, and each term is converted once.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_predicate: dict[object, tuple[dict[object, list[object]], dict[object, list[object]]]] = {}
        self._terms: dict[object, object] = {}

    def __bool__(self) -> bool:
        return True

    def objects(self, subject: Any, predicate: Any, unique: bool = False) -> Iterator[Any]:
        if subject is None or predicate is None or subject.__class__ in (list, tuple) or self.locked_context:
            return super().objects(subject, predicate, unique=unique)
        found = self._by_predicate.get(predicate) or self._index(predicate)
        return iter(found[0].get(subject, ()))

    def subjects(self, predicate: Any, object_: Any, unique: bool = False) -> Iterator[Any]:
        if object_ is None or predicate is None or object_.__class__ in (list, tuple) or self.locked_context:
            return super().subjects(predicate, object_, unique=unique)
        found = self._by_predicate.get(predicate) or self._index(predicate)
        return iter(found[1].get(object_, ()))

    def _index(self, predicate: Any) -> tuple[dict[object, list[object]], dict[object, list[object]]]:
        # pyshacl reads the default graph or the union of the graphs: the batch is all in the default graph, so
        # both give the same triples, and the predicate alone is the key.
        graph = None if self._default_union else ox.DefaultGraph()
        by_subject: dict[object, list[object]] = defaultdict(list)
        by_object: dict[object, list[object]] = defaultdict(list)
        for quad in self.impl.quads_for_pattern(None, to_ox(predicate), None, graph):
            subject, object_ = self._term(quad.subject), self._term(quad.object)
            by_subject[subject].append(object_)
            by_object[object_].append(subject)
        found = self._by_predicate[predicate] = (dict(by_subject), dict(by_object))
        return found

    def _term(self, term: object) -> object:
        converted = self._terms.get(term)
        if converted is None:
            converted = self._terms[term] = to_rdf(term)
        return converted


def _shacl(triples_lists: Iterable[Iterable[ox.Triple]], shapes: rdflib.Graph) -> rdflib.Graph:
    """One pyshacl call over the union of the given triples, in an in-memory Oxigraph store."""
    store = ox.Store()
    for triples in triples_lists:
        # Serialising to N-Triples and loading stays in Rust: three times faster than building Quads in Python.
        store.load(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    _, report, _ = validate(
        _BatchGraph(store), shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True, allow_infos=True
    )
    return report


TermKey = tuple[str, str, str]  # (IRI, "", "") or (lexical form, datatype, language): rdflib and pyoxigraph alike


def _rdflib_key(node: object) -> TermKey | None:
    if isinstance(node, rdflib.URIRef):
        return (str(node), "", "")
    if isinstance(node, rdflib.Literal):
        datatype = str(node.datatype) if node.datatype else (_LANG_STRING if node.language else _STRING)
        return (str(node), datatype, node.language or "")
    return None


def _ox_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> TermKey | None:
    if isinstance(term, ox.NamedNode):
        return (term.value, "", "")
    if isinstance(term, ox.Literal):
        return (term.value, term.datatype.value, term.language or "")
    return None


class _Result(NamedTuple):
    focus: str
    path: str | None
    value: TermKey | None
    message: str
    severity: str

    @property
    def value_iri(self) -> str | None:
        """The value when it is an IRI: for a data-set-wide constraint, the node the result is about."""
        return self.value[0] if self.value is not None and not self.value[1] else None

    def tied_to(self, prj_id: int | None) -> Violation:
        return Violation(prj_id, self.focus, self.path, self.message, self.severity)


def _results(report: rdflib.Graph) -> list[_Result]:
    results = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        severity = report.value(result, SH.resultSeverity)
        path = report.value(result, SH.resultPath)
        results.append(_Result(
            str(report.value(result, SH.focusNode)),
            str(path) if isinstance(path, rdflib.URIRef) else None,
            _rdflib_key(report.value(result, SH.value)),
            " ".join(messages) or str(report.value(result, SH.sourceConstraintComponent)),
            _SEVERITIES.get(severity, "Violation") if isinstance(severity, rdflib.URIRef) else "Violation",
        ))
    return results


def _owners(graphs: Mapping[int, Sequence[ox.Triple]]) -> dict[str, set[int]]:
    """Subject IRI → projects whose graph describes it (shared nodes, such as authorities, have several)."""
    owners: dict[str, set[int]] = defaultdict(set)
    for prj_id, triples in graphs.items():
        for subject in {t.subject for t in triples}:
            if isinstance(subject, ox.NamedNode):
                owners[subject.value].add(prj_id)
    return owners


def _statements(triples: Sequence[ox.Triple]) -> set[tuple[str, str, TermKey | None]]:
    return {(t.subject.value, t.predicate.value, _ox_key(t.object)) for t in triples if isinstance(t.subject, ox.NamedNode)}


def _validate_batch(
    graphs: Mapping[int, Sequence[ox.Triple]], shapes: rdflib.Graph, support: list[Sequence[ox.Triple]]
) -> list[Violation]:
    results = _results(_shacl([*support, *graphs.values()], shapes))
    if not results:
        return []
    owners = _owners(graphs)
    violations: list[Violation] = []
    ambiguous: dict[frozenset[int], list[_Result]] = defaultdict(list)
    for result in results:
        candidates = owners.get(result.focus) or owners.get(result.value_iri or "") or set()
        if len(candidates) > 1:
            ambiguous[frozenset(candidates)].append(result)
        else:
            violations.append(result.tied_to(next(iter(candidates), None)))
    for group, shared in ambiguous.items():
        violations += _attribute(shared, {prj_id: graphs[prj_id] for prj_id in sorted(group)}, shapes, support)
    return violations


def _attribute(
    results: list[_Result],
    graphs: Mapping[int, Sequence[ox.Triple]],
    shapes: rdflib.Graph,
    support: list[Sequence[ox.Triple]],
) -> list[Violation]:
    """Tie results on a node several graphs describe (an authority, a post, a person) to the graphs at fault.

    A result about a value is the fault of the graphs that state that value; any other result, of the graphs
    that produce it when validated alone. A result that no graph produces alone comes from their union.
    """
    violations: list[Violation] = []
    statements = {prj_id: _statements(triples) for prj_id, triples in graphs.items()}
    unresolved: list[_Result] = []
    for result in results:
        stating = [p for p, s in statements.items() if (result.focus, result.path, result.value) in s]
        if result.value is not None and stating:
            violations += [result.tied_to(prj_id) for prj_id in stating]
        else:
            unresolved.append(result)
    if not unresolved:
        return violations
    attributed: set[_Result] = set()
    for prj_id, triples in graphs.items():
        alone = set(_results(_shacl([*support, triples], shapes)))
        for result in unresolved:
            if result in alone:
                violations.append(result.tied_to(prj_id))
                attributed.add(result)
    violations += [result.tied_to(None) for result in unresolved if result not in attributed]
    return violations


def validate_graphs(
    graphs: Mapping[int, Sequence[ox.Triple]],
    uris: UriScheme,
    *,
    support: Mapping[str, Sequence[ox.Triple]] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ValidationReport:
    """Validate project graphs (prj_id → triples) against the shapes, `batch_size` projects per pyshacl call.

    `support` holds the shared graphs (by default `static_graphs(uris)`): the concept schemes and the Data Cube
    structure that class and value constraints look up. Results on their nodes carry no project id.
    """
    shapes = load_shapes(uris.base)
    shared = list((support if support is not None else static_graphs(uris)).values())
    found: dict[Violation, None] = {}
    items = iter(graphs.items())
    while batch := dict(islice(items, batch_size)):
        for violation in _validate_batch(batch, shapes, shared):
            found.setdefault(violation)
    return ValidationReport(violations=list(found), checked=len(graphs))
