"""French authorities placed with the reference data: kind, territory and INSEE code, SIREN, département and
région; names that fit several places or none left without a code, with a warning naming the page and line."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from atlas_ld.bundled import examples_dir
from atlas_ld.ingest.prepare import BatchContext, prepare_batch
from atlas_ld.mapping.project import map_record
from atlas_ld.parse import read_page
from atlas_ld.records import ProjectRecord
from atlas_ld.uris import UriScheme
from atlas_ld.validation.shacl import validate_graphs
from atlas_ld.vocab import ADMS, DCTERMS, IGEO, ORG, RDFS, SKOS

BASE = "https://atlas.example.org/"
URIS = UriScheme(BASE)
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
SEED = examples_dir() / "12523.txt"


def shared_of(record: ProjectRecord) -> ox.Dataset:
    mapped = map_record(record, URIS, ingested_at=STAMP, parser_version="test")
    return ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in mapped.shared)


def objects(data: ox.Dataset, subject: str, predicate: ox.NamedNode) -> set[str]:
    return {q.object.value for q in data.quads_for_subject(ox.NamedNode(subject)) if q.predicate == predicate}


def with_partner(name: str) -> ProjectRecord:
    record = read_page(SEED)
    return replace(record, french_partners=[name], name_lines={name: 77})


def test_the_seed_page_romans_sur_isere() -> None:
    data = shared_of(read_page(SEED))
    authority = URIS.authority("Romans sur Isère", "FRA")
    assert objects(data, authority, ORG.classification) == {BASE + "id/authority-kind/commune"}
    assert objects(data, authority, DCTERMS.coverage) == {BASE + "id/commune/26281"}
    assert objects(data, BASE + "id/commune/26281", IGEO.codeINSEE) == {"26281"}
    assert objects(data, BASE + "id/commune/26281", IGEO.subdivisionDe) == {
        BASE + "id/departement/26", BASE + "id/region/84"
    }
    assert objects(data, BASE + "id/departement/26", RDFS.label) == {"Drôme"}
    assert objects(data, BASE + "id/region/84", RDFS.label) == {"Auvergne-Rhône-Alpes"}
    assert objects(data, authority, ADMS.identifier) == {BASE + "id/siren/212602817"}
    assert objects(data, BASE + "id/siren/212602817", SKOS.notation) == {"212602817"}


@pytest.mark.parametrize(
    ("name", "territory", "parents"),
    [
        ("ROMANS-SUR-ISERE", "commune/26281", {"departement/26", "region/84"}),
        ("Ville de Romans-sur-Isère", "commune/26281", {"departement/26", "region/84"}),
        ("Conseil départemental de la Drôme", "departement/26", {"region/84"}),
        ("Conseil général de l'Isère", "departement/38", {"region/84"}),
        ("Région Bretagne", "region/53", set()),
        ("Conseil départemental de la Haute-Corse", "departement/2B", {"region/94"}),
        ("Métropole de Lyon", "intercommunalite/200046977", {"departement/69", "region/84"}),
    ],
)
def test_name_variants_are_placed(name: str, territory: str, parents: set[str]) -> None:
    data = shared_of(with_partner(name))
    authority = URIS.authority(name, "FRA")
    assert objects(data, authority, DCTERMS.coverage) == {BASE + "id/" + territory}
    assert objects(data, BASE + "id/" + territory, IGEO.subdivisionDe) == {BASE + "id/" + p for p in parents}


def test_a_merged_commune_keeps_its_old_code_and_points_to_the_commune_it_joined() -> None:
    """Châtillon-en-Michaille (01091) merged into Valserhône (01033) in 2019; its name is a commune déléguée."""
    data = shared_of(with_partner("Châtillon-en-Michaille"))
    authority = URIS.authority("Châtillon-en-Michaille", "FRA")
    assert objects(data, authority, DCTERMS.coverage) == {BASE + "id/commune/01091"}
    assert objects(data, BASE + "id/commune/01091", DCTERMS.isReplacedBy) == {BASE + "id/commune/01033"}
    assert objects(data, BASE + "id/commune/01033", IGEO.codeINSEE) == {"01033"}


def test_a_funder_that_is_an_authority_is_placed_too() -> None:
    record = read_page(SEED)
    funding = [replace(line, funder="Conseil départemental de la Drôme") for line in record.funding[:1]]
    data = shared_of(replace(record, funding=[*funding, *record.funding[1:]]))
    authority = URIS.authority("Conseil départemental de la Drôme", "FRA")
    assert objects(data, authority, DCTERMS.coverage) == {BASE + "id/departement/26"}


@pytest.mark.parametrize(
    ("name", "says"),
    [("Saint-Denis", "fits several places in the reference data (11339, 30247, 93066, 97411)"),
     ("Zzyzx-les-Bains", "is not in the reference data")],
)
def test_ambiguous_and_unknown_names_get_no_code_and_a_warning_with_the_line(
    tmp_path: Path, name: str, says: str
) -> None:
    page = tmp_path / "12523.txt"
    text = SEED.read_text(encoding="utf-8")
    page.write_text(text.replace("Romans sur Isère", name), encoding="utf-8")
    line = next(n for n, row in enumerate(page.read_text(encoding="utf-8").splitlines(), 1) if row.startswith(name))
    batch = prepare_batch([page], BatchContext(BASE, STAMP, "test"))
    (graph,) = batch.valid.values()
    authority = ox.NamedNode(URIS.authority(name, "FRA"))
    assert not [t for t in graph.shared if t.subject == authority and t.predicate == DCTERMS.coverage]
    (warning,) = [w for w in batch.warnings if name in w.message]
    assert warning.file == str(page) and says in warning.message
    assert warning.line == line  # the partner table's row, the first place the page names it


@pytest.mark.parametrize(
    ("name", "territory"),
    [("Conseil départemental de la Haute-Corse", "departement/2B"),
     ("Polynésie française", "region/987"),  # a collectivité d'outre-mer: its codes are 98x
     ("Nouméa", "commune/98818")],
)
def test_corsican_and_overseas_territories_pass_the_shapes(name: str, territory: str) -> None:
    mapped = map_record(with_partner(name), URIS, ingested_at=STAMP, parser_version="test")
    authority = ox.NamedNode(URIS.authority(name, "FRA"))
    placed = {t.object.value for t in mapped.all if t.subject == authority and t.predicate == DCTERMS.coverage}
    assert placed == {BASE + "id/" + territory}
    assert validate_graphs({12523: mapped.all}, URIS).conforms


def test_mapping_twice_gives_the_same_triples() -> None:
    record = with_partner("Conseil général de l'Isère")
    assert shared_of(record) == shared_of(record)


@pytest.mark.parametrize(
    ("subject", "predicate", "value"),
    [("id/commune/26281", IGEO.codeINSEE, "2628"), ("id/siren/212602817", SKOS.notation, "21260281")],
)
def test_the_shapes_refuse_a_malformed_code(subject: str, predicate: ox.NamedNode, value: str) -> None:
    mapped = map_record(read_page(SEED), URIS, ingested_at=STAMP, parser_version="test")
    node = ox.NamedNode(BASE + subject)
    triples = [t for t in mapped.all if not (t.subject == node and t.predicate == predicate)]
    assert validate_graphs({12523: mapped.all}, URIS).conforms
    report = validate_graphs({12523: [*triples, ox.Triple(node, predicate, ox.Literal(value))]}, URIS)
    assert not report.conforms and 12523 in report.rejected_ids()
