"""The shipped extract of the reference data: small, complete enough, read once per process, and rebuilt the
same way from the npm package."""

from __future__ import annotations

import gzip
import json
import tarfile
from pathlib import Path

import pytest

from atlas_ld.reference import build, cog


def test_the_extract_is_small() -> None:
    assert cog.EXTRACT.name == f"cog-{cog.VERSION}.json.gz"
    assert cog.EXTRACT.stat().st_size < 1_000_000  # 0.6 MB for 13 MB of JSON in the package


def test_the_extract_holds_every_kind_of_place() -> None:
    with gzip.open(cog.EXTRACT, "rt", encoding="utf-8") as stream:
        assert json.load(stream)["source"] == {"package": cog.PACKAGE, "version": cog.VERSION}
    ref = cog.load()
    assert len(ref.regions) == 26 and len(ref.departements) == 109
    assert len(ref.communes) > 34_000 and len(ref.merged) > 2_000 and len(ref.epcis) > 1_200
    assert {e.type for e in ref.epcis.values()} == set(build.EPCI_TYPES)
    assert {c.status for c in ref.merged.values()} == {"deleguee", "associee"}
    assert all(c.merged_into in ref.communes for c in ref.merged.values())
    assert ref.former_codes["01340"] == "01015" and cog.commune("01015").name == "Arboys en Bugey"


def test_loading_twice_reads_the_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    opened, real_open = [], gzip.open

    def counting_open(*args, **kwargs):
        opened.append(args[0])
        return real_open(*args, **kwargs)

    cog.load.cache_clear()
    monkeypatch.setattr(cog.gzip, "open", counting_open)
    try:
        assert cog.load() is cog.load()
        assert cog.departement("26") is not None and cog.region("84") is not None
    finally:
        monkeypatch.undo()
    assert opened == [cog.EXTRACT]


PACKAGE_FILES = {
    "package.json": {"name": cog.PACKAGE, "version": cog.VERSION},
    "data/regions.json": [{"code": "84", "nom": "Auvergne-Rhône-Alpes"}],
    "data/departements.json": [{"code": "26", "nom": "Drôme", "region": "84"}],
    "data/communes.json": [
        {"code": "26281", "nom": "Romans-sur-Isère", "type": "commune-actuelle", "departement": "26",
         "region": "84", "siren": "212602817", "population": 33464},
        {"code": "26362", "nom": "Valence", "type": "commune-actuelle", "departement": "26", "region": "84",
         "siren": "212603625", "anciensCodes": ["26999"]},
        {"code": "26998", "nom": "Vieux-Valence", "type": "commune-deleguee", "chefLieu": "26362",
         "departement": "26", "region": "84"},
        {"code": "26363", "nom": "Valence 1er Arrondissement", "type": "arrondissement-municipal",
         "departement": "26", "region": "84"},
    ],
    "data/epci.json": [
        {"code": "200068781", "nom": "CA Valence Romans Agglo", "type": "CA", "membres": [
            {"code": "26281", "populationMunicipale": 33464}, {"code": "26362", "populationMunicipale": 64726}]},
    ],
}


def _package(root: Path, files: dict = PACKAGE_FILES) -> Path:
    for name, content in files.items():
        (root / "package" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "package" / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return root / "package"


def test_build_keeps_only_what_resolution_reads(tmp_path: Path) -> None:
    out = tmp_path / "extract.json.gz"
    build.main(["--package", str(_package(tmp_path)), "--output", str(out)])
    ref = cog.load(out)
    assert ref.communes["26281"] == cog.Commune("26281", "Romans-sur-Isère", "26", "84", siren="212602817")
    assert ref.merged["26998"].merged_into == "26362" and ref.former_codes == {"26999": "26362"}
    assert "26363" not in ref.communes  # municipal arrondissements are not authorities
    epci = ref.epcis["200068781"]
    assert (epci.departement, epci.region, epci.members) == ("26", "84", ("26281", "26362"))
    with gzip.open(out, "rt", encoding="utf-8") as stream:
        assert "population" not in stream.read()


def test_build_reads_a_tarball_and_gives_the_same_bytes(tmp_path: Path) -> None:
    folder = _package(tmp_path / "unpacked")
    tarball = tmp_path / "package.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(folder, arcname="package")
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    build.main(["--package", str(tarball), "--output", str(first)])
    build.main(["--package", str(folder / "data"), "--output", str(second)])
    assert first.read_bytes() == second.read_bytes()


def test_build_refuses_another_version(tmp_path: Path) -> None:
    files = {**PACKAGE_FILES, "package.json": {"name": cog.PACKAGE, "version": "5.3.0"}}
    with pytest.raises(SystemExit, match="5.3.0"):
        build.main(["--package", str(_package(tmp_path, files)), "--output", str(tmp_path / "x.json.gz")])


def test_the_extract_gzip_header_has_no_timestamp_nor_file_name() -> None:
    header = cog.EXTRACT.read_bytes()[:10]
    assert header[4:8] == b"\0\0\0\0" and not header[3] & 0x08  # rebuilding from one package changes no byte
