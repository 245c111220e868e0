"""Rebuilds the shipped extract from the Etalab "découpage administratif" npm package, keeping only what
resolution reads, so that the wheel carries well under a megabyte instead of 13 MB of JSON.

    python -m atlas_ld.reference.build [--package DIR_OR_TGZ] [--output FILE]

Without --package it fetches the pinned version from the npm registry with `npm pack`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from atlas_ld.reference.cog import EXTRACT, PACKAGE, VERSION

_MERGED = {"commune-deleguee": "D", "commune-associee": "A"}
EPCI_TYPES = frozenset({"CA", "CC", "CU", "METRO", "MET69"})


def data_dir(package: Path | None, scratch: Path) -> Path:
    """The package's data/ folder, from an unpacked package, its tarball, or `npm pack` into `scratch`."""
    if package is None:
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}"], cwd=scratch, check=True, capture_output=True)
        package = next(scratch.glob("*.tgz"))
    if package.is_file():
        with tarfile.open(package) as archive:
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python 3.11.4 and later
            archive.extractall(scratch, **safe)
        package = scratch / "package"
    if (package / "communes.json").is_file():
        package = package.parent
    manifest = package / "package.json"
    if manifest.is_file() and (found := json.loads(manifest.read_text(encoding="utf-8"))["version"]) != VERSION:
        raise SystemExit(f"{package} holds version {found} of {PACKAGE}, not {VERSION}: update cog.VERSION first")
    return package / "data"


def extract(data: Path) -> dict:
    """The extract: régions, départements, communes actuelles (with SIREN and former codes), merged communes
    (with the commune they belong to), EPCIs (with their most populous member's département and members)."""

    def read(name: str) -> list[dict]:
        return json.loads((data / name).read_text(encoding="utf-8"))

    regions = [[r["code"], r["nom"]] for r in read("regions.json")]
    departements = [[d["code"], d["nom"], d["region"]] for d in read("departements.json")]
    region_of = {code: region for code, _, region in departements}
    communes, merged, seat = [], [], {}
    for c in read("communes.json"):
        if c["type"] not in _MERGED and c["type"] != "commune-actuelle":
            continue  # the municipal arrondissements of Paris, Lyon and Marseille are not authorities
        if region_of[c["departement"]] != c["region"]:
            raise SystemExit(f"commune {c['code']} lies in région {c['region']}, its département does not")
        if c["type"] == "commune-actuelle":
            communes.append([c["code"], c["nom"], c["departement"], c.get("siren"), *c.get("anciensCodes", ())])
            seat[c["code"]] = c["departement"]
        else:
            merged.append([c["code"], c["nom"], c["departement"], _MERGED[c["type"]], c["chefLieu"]])
    if missing := [row for row in merged if row[4] not in seat]:
        raise SystemExit(f"merged communes whose commune is unknown: {missing[:5]}")
    epcis = []
    for e in read("epci.json"):
        if e["type"] not in EPCI_TYPES:
            raise SystemExit(f"EPCI {e['code']} has an unknown type {e['type']!r}")
        members = sorted(e["membres"], key=lambda m: m["code"])
        largest = max(members, key=lambda m: m.get("populationMunicipale") or 0)  # first of equals: lowest code
        epcis.append([e["code"], e["nom"], e["type"], seat[largest["code"]], [m["code"] for m in members]])
    return {
        "source": {"package": PACKAGE, "version": VERSION},
        "regions": regions,
        "departements": departements,
        "communes": communes,
        "merged": merged,
        "epci": epcis,
    }


def write(content: dict, output: Path) -> int:
    """Writes `content` as gzipped JSON, byte for byte the same on every run (no timestamp, no file name in the
    header); returns its size."""
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as stream:
        stream.write(text.encode("utf-8"))
    return output.stat().st_size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m atlas_ld.reference.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", type=Path, help=f"the unpacked {PACKAGE} package or its .tgz")
    parser.add_argument("--output", type=Path, default=EXTRACT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        size = write(extract(data_dir(args.package, Path(scratch))), args.output)
    print(f"{args.output}: {size:,} bytes")


if __name__ == "__main__":
    main()
