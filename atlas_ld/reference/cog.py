"""The shipped extract of INSEE's Code officiel géographique and the DGCL's intercommunalities, loaded once per
process into plain records and name indexes: resolution looks names up thousands of times per ingest, and
reading 37,000 communes more than once would cost more than the lookups."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

from atlas_ld.reference.normalise import (
    EPCI_WORDS,
    epci_core,
    key,
    name_key,
    strip_leading,
    words,
)

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
EXTRACT = Path(__file__).parent / "data" / f"cog-{VERSION}.json.gz"
STATUSES = {"D": "deleguee", "A": "associee"}  # the extract's one-letter types of merged communes
EPCI_ABBREVIATIONS = frozenset({"ca", "cc", "cu"})  # how the DGCL's list starts most names: "CA Valence Romans Agglo"


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region: str


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune; `status` is "actuelle", "deleguee" or "associee", and the last two (communes merged into
    another since) keep their own code, have no SIREN of their own and name the commune in `merged_into`."""

    code: str
    name: str
    departement: str
    region: str
    status: str = "actuelle"
    siren: str | None = None
    merged_into: str | None = None
    former_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Intercommunalite:
    """An EPCI: `type` is the DGCL's (CA, CC, CU, METRO, MET69); `departement` is the one of its most populous
    member, for those that span several."""

    siren: str
    name: str
    type: str
    departement: str
    region: str
    members: tuple[str, ...]


T = TypeVar("T")


def _index(pairs: Iterable[tuple[str, T]]) -> dict[str, tuple[T, ...]]:
    found: defaultdict[str, list[T]] = defaultdict(list)
    for name, item in pairs:
        if name and item not in found[name]:
            found[name].append(item)
    return {name: tuple(items) for name, items in found.items()}


def epci_name_words(name: str) -> list[list[str]]:
    """The names an EPCI goes by, as words: its name without the DGCL's abbreviation, with and without its
    trailing bracket, and what the bracket holds when it is a name rather than an acronym ("CA ECLA (Espace
    Communautaire Lons Agglomération)")."""
    base, _, bracket = name.partition("(")
    ws = words(base)
    if ws and ws[0] in EPCI_ABBREVIATIONS:
        ws = ws[1:]
    names = [ws]
    inner = words(bracket)
    if inner:
        names.append(ws + inner)
    if len(inner) > 1:
        names.append(inner)
    return names


@dataclass(frozen=True)
class Reference:
    """The extract with its indexes; name indexes map a key (see `normalise`) to every place that has it."""

    regions: dict[str, Region]
    departements: dict[str, Departement]
    communes: dict[str, Commune]  # communes actuelles
    merged: dict[str, Commune]  # communes déléguées and associées, whose codes may also be an actuelle's
    epcis: dict[str, Intercommunalite]
    former_codes: dict[str, str] = field(init=False)  # an old code → the commune actuelle that has it now
    commune_names: dict[str, tuple[Commune, ...]] = field(init=False)
    merged_names: dict[str, tuple[Commune, ...]] = field(init=False)
    departement_names: dict[str, tuple[Departement, ...]] = field(init=False)
    region_names: dict[str, tuple[Region, ...]] = field(init=False)
    epci_names: dict[str, tuple[Intercommunalite, ...]] = field(init=False)
    epci_cores: dict[str, tuple[Intercommunalite, ...]] = field(init=False)

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        put("former_codes", {old: c.code for c in self.communes.values() for old in c.former_codes})
        put("commune_names", _index((key(words(c.name)), c) for c in self.communes.values()))
        put("merged_names", _index((key(words(c.name)), c) for c in self.merged.values()))
        put("departement_names", _index((name_key(words(d.name)), d) for d in self.departements.values()))
        put("region_names", _index((name_key(words(r.name)), r) for r in self.regions.values()))
        names = [(ws, e) for e in self.epcis.values() for ws in epci_name_words(e.name)]
        put("epci_names", _index((key(strip_leading(ws)), e) for ws, e in names))
        put("epci_cores", _index((epci_core(ws), e) for ws, e in names if set(ws) - EPCI_WORDS))

    def commune(self, code: str) -> Commune | None:
        """The commune with this code: the commune actuelle first, else the déléguée or associée, else the
        actuelle that a former code now belongs to."""
        found = self.communes.get(code) or self.merged.get(code)
        if found is None and code in self.former_codes:
            found = self.communes[self.former_codes[code]]
        return found

    def departements_of(self, epci: Intercommunalite) -> frozenset[str]:
        """Every département an intercommunality has a member in."""
        return frozenset(self.communes[m].departement for m in epci.members if m in self.communes)


@cache
def load(path: Path = EXTRACT) -> Reference:
    """The extract at `path`, read once per process."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        data = json.load(stream)
    regions = {code: Region(code, name) for code, name in data["regions"]}
    departements = {code: Departement(code, name, region) for code, name, region in data["departements"]}

    def region_of(departement: str) -> str:
        return departements[departement].region

    communes = {
        row[0]: Commune(row[0], row[1], row[2], region_of(row[2]), siren=row[3], former_codes=tuple(row[4:]))
        for row in data["communes"]
    }
    merged = {
        code: Commune(code, name, departement, region_of(departement), STATUSES[status], merged_into=into)
        for code, name, departement, status, into in data["merged"]
    }
    epcis = {
        siren: Intercommunalite(siren, name, kind, departement, region_of(departement), tuple(members))
        for siren, name, kind, departement, members in data["epci"]
    }
    return Reference(regions, departements, communes, merged, epcis)


def region(code: str) -> Region | None:
    """The région with this INSEE code ("84"), if any."""
    return load().regions.get(code)


def departement(code: str) -> Departement | None:
    """The département with this INSEE code ("26", "2A", "974"), with its région, if any."""
    return load().departements.get(code.upper())


def commune(code: str) -> Commune | None:
    """The commune with this INSEE code, current or merged since (see `Reference.commune`)."""
    return load().commune(code.upper())


def intercommunalite(siren: str) -> Intercommunalite | None:
    """The intercommunality (EPCI) with this SIREN, if any."""
    return load().epcis.get(siren)
