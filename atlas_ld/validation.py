"""SHACL validation of project graphs in batches, each result tied back to the project (and page) it came from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from urllib.parse import urljoin

import pyoxigraph as ox
import rdflib
from pyshacl import validate
from rdflib.namespace import SH

from atlas_ld.resources import shapes_file
from atlas_ld.schemes import static_graphs
from atlas_ld.uris import UriScheme

BATCH_SIZE = 500  # pyshacl pays a large cost per call: many projects share one call
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Violation:
    """One SHACL result. `prj_id` is None when the node belongs to no project graph (vocabulary, schemes)."""

    prj_id: int | None
    focus_node: str
    path: str | None
    message: str
    severity: str  # "Violation", "Warning" or "Info"

    def format(self) -> str:
        where = f"project {self.prj_id}" if self.prj_id is not None else "shared graphs"
        path = f" {self.path}" if self.path else ""
        return f"{self.severity} in {where}: <{self.focus_node}>{path}: {self.message}"


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
        lines = [
            f"{self.checked} project graph(s) checked: {len(rejected)} rejected, "
            f"{sum(v.severity == 'Violation' for v in self.violations)} violation(s), "
            f"{sum(v.severity != 'Violation' for v in self.violations)} warning(s)."
        ]
        by_project: dict[int | None, list[Violation]] = defaultdict(list)
        for v in self.violations:
            by_project[v.prj_id].append(v)
        for prj_id in sorted(by_project, key=lambda p: (p is None, p or 0)):
            title = f"project {prj_id}" if prj_id is not None else "shared graphs"
            status = "rejected" if prj_id in rejected else "kept"
            lines.append(f"- {title} ({status}):")
            for v in sorted(by_project[prj_id], key=lambda v: (v.severity != "Violation", v.focus_node)):
                path = f" {v.path}" if v.path else ""
                lines.append(f"    {v.severity}: <{v.focus_node}>{path}: {v.message}")
        return "\n".join(lines)


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@cache
def load_shapes(base: str) -> rdflib.Graph:
    """The shapes, with their relative IRIs (and relative sh:namespace values) resolved against `base`."""
    graph = rdflib.Graph()
    graph.parse(shapes_file(), format="turtle", publicID=base)
    for declaration, namespace in list(graph.subject_objects(SH.namespace)):
        if ":" not in str(namespace):
            absolute = rdflib.Literal(urljoin(base, str(namespace)), datatype=namespace.datatype)
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


def _shacl(triples_lists: Iterable[Iterable[ox.Triple]], shapes: rdflib.Graph) -> rdflib.Graph:
    """One pyshacl call over the union of the given triples, in an in-memory Oxigraph store."""
    store = ox.Store()
    for triples in triples_lists:
        # Serialising to N-Triples and loading stays in Rust: three times faster than building Quads in Python.
        store.load(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    _, report, _ = validate(
        store, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True, allow_infos=True
    )
    return report


def _results(report: rdflib.Graph) -> Iterable[tuple[str, str | None, str | None, str, str]]:
    """(focus, path, value, message, severity) of each result; a value only when it is an IRI."""
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        severity = _SEVERITIES.get(report.value(result, SH.resultSeverity), "Violation")
        yield (
            str(focus),
            str(path) if isinstance(path, rdflib.URIRef) else None,
            str(value) if isinstance(value, rdflib.URIRef) else None,
            " ".join(messages) or str(report.value(result, SH.sourceConstraintComponent)),
            severity,
        )


def _owners(graphs: Mapping[int, Sequence[ox.Triple]]) -> dict[str, set[int]]:
    """Subject IRI → projects whose graph describes it (shared nodes, such as authorities, have several)."""
    owners: dict[str, set[int]] = defaultdict(set)
    for prj_id, triples in graphs.items():
        for subject in {t.subject.value for t in triples}:
            owners[subject].add(prj_id)
    return owners


def _validate_batch(
    graphs: Mapping[int, Sequence[ox.Triple]], shapes: rdflib.Graph, support: list[list[ox.Triple]]
) -> list[Violation]:
    results = list(_results(_shacl([*support, *graphs.values()], shapes)))
    if not results:
        return []
    owners = _owners(graphs)
    violations: list[Violation] = []
    shared: dict[frozenset[int], list[tuple[str, str | None, str | None, str, str]]] = defaultdict(list)
    for focus, path, value, message, severity in results:
        candidates = owners.get(focus) or (owners.get(value) if value else None) or set()
        if len(candidates) == 1:
            violations.append(Violation(next(iter(candidates)), focus, path, message, severity))
        elif not candidates:
            violations.append(Violation(None, focus, path, message, severity))
        else:
            shared[frozenset(candidates)].append((focus, path, value, message, severity))
    # A node described by several graphs of the batch (an authority, a post, a person): find which graphs
    # produce the result on their own; a result none produces alone comes from their union.
    for candidates, ambiguous in shared.items():
        attributed: set[tuple[str, str | None, str, str]] = set()
        for prj_id in sorted(candidates):
            alone = {(f, p, m, s) for f, p, _, m, s in _results(_shacl([*support, graphs[prj_id]], shapes))}
            for focus, path, _, message, severity in ambiguous:
                if (focus, path, message, severity) in alone:
                    violations.append(Violation(prj_id, focus, path, message, severity))
                    attributed.add((focus, path, message, severity))
        for focus, path, _, message, severity in ambiguous:
            if (focus, path, message, severity) not in attributed:
                violations.append(Violation(None, focus, path, message, severity))
    return violations


def validate_graphs(
    graphs: Mapping[int, Sequence[ox.Triple]],
    uris: UriScheme,
    *,
    support: Mapping[str, Sequence[ox.Triple]] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ValidationReport:
    """Validate project graphs (prj_id → triples) against the shapes, `batch_size` projects per pyshacl call.

    `support` holds the shared graphs (by default `static_graphs(uris)`): the concept schemes and the Data Cube
    structure that class and value constraints look up. Results on their nodes carry no project id.
    """
    shapes = load_shapes(uris.base)
    shared = [list(t) for t in (support if support is not None else static_graphs(uris)).values()]
    found: dict[Violation, None] = {}
    items = iter(graphs.items())
    while batch := dict(islice(items, batch_size)):
        for violation in _validate_batch(batch, shapes, shared):
            found.setdefault(violation)
    return ValidationReport(violations=list(found), checked=len(graphs))
