"""SHACL: the clean graph of page 12523 conforms, and each fault injected into it is caught and tied to it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from atlas_ld.mapping.project import map_record, static_graphs
from atlas_ld.parse.emails import EMAIL_PATTERN
from atlas_ld.records import ProjectRecord
from atlas_ld.uris import UriScheme
from atlas_ld.validation.shacl import load_shapes, validate_graphs
from atlas_ld.vocab import (
    DCTERMS,
    FOAF,
    QB,
    RDF,
    RDFS,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    XSD,
    atlas_namespace,
)

STAMP = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
Triples = list[ox.Triple]


@pytest.fixture
def graph_12523(record_12523: ProjectRecord, uris: UriScheme) -> Triples:
    return map_record(record_12523, uris, ingested_at=STAMP, parser_version="0.1.0").all


def copy_of(record: ProjectRecord, prj_id: int, uris: UriScheme) -> Triples:
    """Everything page `record` says, as if it were the page of project `prj_id`."""
    return map_record(dataclasses.replace(record, prj_id=prj_id), uris, ingested_at=STAMP, parser_version="1").all


def replace_object(triples: Triples, predicate: ox.NamedNode, value: ox.NamedNode | ox.Literal, nth: int = 0) -> Triples:
    """The graph with the object of the `nth` triple of `predicate` replaced."""
    hits = [i for i, t in enumerate(triples) if t.predicate == predicate]
    i = hits[nth]
    return [*triples[:i], ox.Triple(triples[i].subject, predicate, value), *triples[i + 1:]]


def without(triples: Triples, predicate: ox.NamedNode, subject: str) -> Triples:
    return [t for t in triples if not (t.predicate == predicate and t.subject.value == subject)]


def violations_of(graph: Triples, uris: UriScheme) -> list[tuple[int | None, str, str | None, str]]:
    report = validate_graphs({12523: graph}, uris)
    return [(v.prj_id, v.focus_node, v.path, v.severity) for v in report.violations]


def test_the_clean_graph_conforms_without_a_single_result(graph_12523: Triples, uris: UriScheme) -> None:
    report = validate_graphs({12523: graph_12523}, uris)
    assert report.violations == []
    assert report.conforms and report.rejected_ids() == set()
    assert report.format() == "1 project graph(s) checked: all conform."


def test_a_negative_amount_is_caught(graph_12523: Triples, uris: UriScheme) -> None:
    atlas = atlas_namespace(uris.base)
    faulty = replace_object(graph_12523, atlas.amount, ox.Literal("-25000", datatype=XSD.decimal), nth=2)
    obs = [t.subject.value for t in faulty if t.predicate == atlas.amount][2]
    assert violations_of(faulty, uris) == [(12523, obs, atlas.amount.value, "Violation")]


def test_a_class_given_as_text_is_reported_not_a_crash(graph_12523: Triples, uris: UriScheme) -> None:
    """A literal as a node's type has no superclasses to look up: the validator reports the node's missing class
    (pyshacl's own store adapter raised a TypeError there, and the whole batch had to be narrowed down)."""
    project = ox.NamedNode(uris.project(12523))
    faulty = [t for t in graph_12523 if not (t.subject == project and t.predicate == RDF.type)]
    faulty.append(ox.Triple(project, RDF.type, ox.Literal("Projet")))
    report = validate_graphs({12523: faulty}, uris)
    assert report.rejected_ids() == {12523}
    missing_class = [v for v in report.violations if v.message == "Value does not have class atlas:Project"]
    assert missing_class and {v.prj_id for v in missing_class} == {12523}, report.format()


def test_a_missing_title_is_caught(graph_12523: Triples, uris: UriScheme) -> None:
    report = validate_graphs({12523: without(graph_12523, DCTERMS.title, uris.project(12523))}, uris)
    assert [(v.prj_id, v.focus_node, v.path) for v in report.violations] == [
        (12523, uris.project(12523), DCTERMS.title.value)
    ]
    assert "titre / A project has exactly one title" in report.violations[0].message
    assert report.rejected_ids() == {12523}


def test_a_duplicate_observation_key_is_caught_and_the_duplicate_named(graph_12523: Triples, uris: UriScheme) -> None:
    original = uris.observation(12523, 2011, "Ministère de l'Europe et des Affaires étrangères", 1, "amount")
    copy = ox.NamedNode(original + "-copy")
    duplicate = [ox.Triple(copy, t.predicate, t.object) for t in graph_12523 if t.subject.value == original]
    assert len(duplicate) == 9
    report = validate_graphs({12523: graph_12523 + duplicate}, uris)
    assert sorted((v.prj_id, v.focus_node, v.severity) for v in report.violations) == [
        (12523, uris.dataset("funding"), "Violation"),
        (12523, uris.dataset("funding"), "Violation"),
    ]
    assert {v.message.split("(")[1].split(")")[0] for v in report.violations} == {original, copy.value}
    assert all("IC-12" in v.message for v in report.violations)


@pytest.mark.parametrize("year", ["1850", "20100", "201"])
def test_a_year_out_of_bounds_is_caught_by_its_pattern(graph_12523: Triples, uris: UriScheme, year: str) -> None:
    atlas = atlas_namespace(uris.base)
    faulty = replace_object(graph_12523, atlas.startYear, ox.Literal(year, datatype=XSD.gYear))
    assert violations_of(faulty, uris) == [(12523, uris.project(12523), atlas.startYear.value, "Violation")]


def test_a_funding_year_out_of_bounds_is_caught(graph_12523: Triples, uris: UriScheme) -> None:
    faulty = replace_object(graph_12523, SDMX_DIMENSION.refPeriod, ox.Literal("2210", datatype=XSD.gYear))
    assert [(p, path) for p, _, path, _ in violations_of(faulty, uris)] == [(12523, SDMX_DIMENSION.refPeriod.value)]


@pytest.mark.parametrize(
    "mbox",
    [
        ox.NamedNode("mailto:pierre-yves.sonalet@diplomatie"),
        ox.NamedNode("mailto:pierre-yves.sonalet@diplomatie.gouv..fr"),
        ox.NamedNode("http://example.org/pierre-yves.sonalet"),
        ox.Literal("pierre-yves.sonalet@diplomatie.gouv.fr"),
    ],
)
def test_a_bad_email_is_caught(graph_12523: Triples, uris: UriScheme, mbox: ox.NamedNode | ox.Literal) -> None:
    faulty = replace_object(graph_12523, FOAF.mbox, mbox)
    person = next(t.subject.value for t in faulty if t.predicate == FOAF.mbox)
    assert violations_of(faulty, uris) == [(12523, person, FOAF.mbox.value, "Violation")]


def test_a_missing_unit_a_second_data_set_and_a_wrong_measure_are_caught(graph_12523: Triples, uris: UriScheme) -> None:
    atlas = atlas_namespace(uris.base)
    observations = sorted({t.subject for t in graph_12523 if t.predicate == QB.dataSet}, key=lambda n: n.value)
    no_unit, two_sets, wrong_measure = observations[:3]
    faulty = [
        t for t in graph_12523 if not (t.subject == no_unit and t.predicate == SDMX_ATTRIBUTE.unitMeasure)
    ]
    faulty.append(ox.Triple(two_sets, QB.dataSet, ox.NamedNode(uris.dataset("other"))))
    faulty = [
        ox.Triple(t.subject, t.predicate, atlas.waterAmount if t.object == atlas.amount else atlas.amount)
        if t.subject == wrong_measure and t.predicate == QB.measureType else t
        for t in faulty
    ]
    found = {(v.focus_node, v.path) for v in validate_graphs({12523: faulty}, uris).violations}
    assert (no_unit.value, SDMX_ATTRIBUTE.unitMeasure.value) in found
    assert (two_sets.value, QB.dataSet.value) in found
    assert (uris.dataset("funding"), None) in found  # IC-14: the measure its measure type names is missing


def test_a_malformed_address_is_a_warning_that_does_not_reject(
    record_12523: ProjectRecord, uris: UriScheme
) -> None:
    contact = dataclasses.replace(record_12523.posts[0].contacts[0], email="x@diplomatie.gouv..fr", email_valid=False)
    record = dataclasses.replace(record_12523, posts=[dataclasses.replace(record_12523.posts[0], contacts=[contact])])
    report = validate_graphs({12523: map_record(record, uris, ingested_at=STAMP, parser_version="0.1.0").all}, uris)
    assert [(v.prj_id, v.severity) for v in report.violations] == [(12523, "Warning")]
    assert report.conforms and report.rejected_ids() == set()
    assert "Malformed e-mail address" in report.format()


def test_a_fault_is_tied_to_its_own_project_among_many(record_12523: ProjectRecord, uris: UriScheme) -> None:
    graphs = {
        prj_id: copy_of(record_12523, prj_id, uris)
        for prj_id in range(1, 31)
    }
    graphs[7] = without(graphs[7], DCTERMS.title, uris.project(7))
    # The embassy contacts are shared by all thirty graphs; only graph 19 gives one a bad address.
    graphs[19] = replace_object(graphs[19], FOAF.mbox, ox.NamedNode("mailto:nobody@nowhere"), nth=1)
    report = validate_graphs(graphs, uris, batch_size=12)
    assert report.rejected_ids() == {7, 19}
    assert {(v.prj_id, v.path) for v in report.violations} == {(7, DCTERMS.title.value), (19, FOAF.mbox.value)}
    assert report.checked == 30
    text = report.format()
    assert "30 project graph(s) checked: 2 rejected" in text
    assert "- project 7 (rejected):" in text and "- project 19 (rejected):" in text


def country_of_el_jem(graph: Triples, uris: UriScheme, iso3: str) -> Triples:
    """The graph with a second country stated for El Jem, a node that every copy of page 12523 describes."""
    country = ox.NamedNode(uris.country(iso3))
    return [
        *graph,
        ox.Triple(ox.NamedNode(uris.authority("El Jem", "TUN")), DCTERMS.spatial, country),
        ox.Triple(country, RDF.type, DCTERMS.Location),
        ox.Triple(country, RDFS.label, ox.Literal("Maroc", language="fr")),
    ]


def test_a_fault_on_a_shared_node_without_a_value_is_found_by_validating_each_graph_alone(
    record_12523: ProjectRecord, uris: UriScheme
) -> None:
    graphs = {
        prj_id: copy_of(record_12523, prj_id, uris)
        for prj_id in (1, 2, 3)
    }
    graphs[2] = country_of_el_jem(graphs[2], uris, "MAR")
    report = validate_graphs(graphs, uris)
    assert [(v.prj_id, v.focus_node, v.path) for v in report.violations] == [
        (2, uris.authority("El Jem", "TUN"), DCTERMS.spatial.value)
    ]


def test_a_fault_only_the_union_of_graphs_makes_is_reported_without_rejecting_them(
    record_12523: ProjectRecord, uris: UriScheme
) -> None:
    graphs = {
        prj_id: copy_of(record_12523, prj_id, uris)
        for prj_id in (1, 2)
    }
    el_jem = ox.NamedNode(uris.authority("El Jem", "TUN"))
    tunisia = ox.NamedNode(uris.country("TUN"))
    graphs[2] = country_of_el_jem([t for t in graphs[2] if t != ox.Triple(el_jem, DCTERMS.spatial, tunisia)], uris, "MAR")
    report = validate_graphs(graphs, uris)
    assert [(v.prj_id, v.focus_node, v.path) for v in report.violations] == [(None, el_jem.value, DCTERMS.spatial.value)]
    assert report.rejected_ids() == set()
    assert "shared graphs" in report.format()


def test_the_shapes_check_mailto_addresses_with_the_mapping_s_own_pattern(uris: UriScheme) -> None:
    shapes = load_shapes(uris.base)
    patterns = {
        str(shapes.value(prop, SH.pattern))
        for prop in shapes.subjects(SH.path, rdflib.URIRef(FOAF.mbox.value))
    }
    assert patterns == {f"^mailto:{EMAIL_PATTERN}$"}


def test_every_class_of_the_graphs_has_a_shape(graph_12523: Triples, uris: UriScheme) -> None:
    shapes = load_shapes(uris.base)
    targeted = {str(c) for c in shapes.objects(None, SH.targetClass)}
    triples = graph_12523 + [t for graph in static_graphs(uris).values() for t in graph]
    used = {t.object.value for t in triples if t.predicate.value.endswith("#type")}
    assert len(used) > 20
    assert sorted(used - targeted) == []


def test_the_shared_graphs_conform_on_their_own(graph_12523: Triples, uris: UriScheme) -> None:
    # A project graph brings the shared ones into the batch; nothing is reported on their nodes.
    report = validate_graphs({12523: graph_12523}, uris)
    assert not [v for v in report.violations if v.prj_id is None]
    vocabulary = static_graphs(uris)[uris.graph("vocabulary")]
    term = next(t for t in vocabulary if t.predicate == RDFS.comment and t.object.language == "en")
    broken = {uris.graph("vocabulary"): [t for t in vocabulary if t != term]}
    report = validate_graphs({12523: graph_12523}, uris, support={**static_graphs(uris), **broken})
    assert [(v.prj_id, v.focus_node, v.path) for v in report.violations] == [
        (None, term.subject.value, RDFS.comment.value)
    ]
    assert report.conforms is False and report.rejected_ids() == set()


def test_shapes_resolve_against_the_base_uri() -> None:
    other = UriScheme("http://localhost:8000/atlas/")
    shapes = load_shapes(other.base)
    assert rdflib.URIRef("http://localhost:8000/atlas/def/Project") in set(shapes.objects(None, SH.targetClass))
    namespaces = {str(n) for n in shapes.objects(None, SH.namespace)}
    assert "http://localhost:8000/atlas/def/" in namespaces


FAULTS: dict[str, Callable[[Triples, UriScheme], Triples]] = {
    "negative amount": lambda g, u: replace_object(g, atlas_namespace(u.base).amount, ox.Literal("-1", datatype=XSD.decimal)),
    "missing title": lambda g, u: without(g, DCTERMS.title, u.project(12523)),
    "bad year": lambda g, u: replace_object(g, atlas_namespace(u.base).signatureYear, ox.Literal("1900", datatype=XSD.gYear)),
    "bad e-mail": lambda g, u: replace_object(g, FOAF.mbox, ox.NamedNode("mailto:a@b")),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_rejects_only_the_faulty_graph_of_a_batch(
    fault: str, record_12523: ProjectRecord, uris: UriScheme
) -> None:
    clean = map_record(dataclasses.replace(record_12523, prj_id=1), uris, ingested_at=STAMP, parser_version="1").all
    faulty = FAULTS[fault](map_record(record_12523, uris, ingested_at=STAMP, parser_version="1").all, uris)
    report = validate_graphs({1: clean, 12523: faulty}, uris)
    assert report.rejected_ids() == {12523}
