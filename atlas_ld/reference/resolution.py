"""French authorities as the Atlas names them ("Ville de Romans-sur-Isère", "Conseil général de l'Isère",
"Communauté d'agglomération Valence Romans Agglo") resolved to the territory they govern in the reference data.

Precision comes first, because a wrong code is worse than none: a name is resolved only when exactly one place
fits it, and otherwise left ambiguous (with its candidates) or unknown. In particular:

- a bare name is looked up among communes, départements and régions alike, so "Bretagne" (a région and two
  communes) or "Vienne" (a commune and a département) stay ambiguous; only "Paris" counts once, the commune 75056
  and the département 75 being one collectivité, the Ville de Paris, and so does a collectivité d'outre-mer,
  a département and a région of one code in the extract ("Polynésie française", 987), counted as the région;
- a commune déléguée or associée (merged into another since) competes with the communes actuelles of its name,
  unless it belongs to the one of them that has its name too ("Saint-Denis" 93066);
- intercommunalities are looked up only when the name says it is one ("Communauté de communes …", "… Métropole",
  "… Agglo"): by their full name, else by the distinctive rest of it within the type the name gives;
- a qualifier in brackets narrows the choice: a département code or name, a région name, an INSEE code or a SIREN
  ("Saint-Denis (93)"), an article ("Havre (Le)"), a kind ("Romans-sur-Isère (Ville de)"), or an acronym, which
  is ignored; any other qualifier ("Valence (Espagne)") leaves the name unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from atlas_ld.reference.cog import (
    Commune,
    Departement,
    Intercommunalite,
    Reference,
    Region,
    load,
)
from atlas_ld.reference.normalise import (
    ARTICLES,
    EPCI_WORDS,
    epci_core,
    key,
    name_key,
    strip_leading,
    words,
)

Place = Commune | Departement | Region | Intercommunalite
COMMUNE, DEPARTEMENT, REGION, EPCI = "commune", "departement", "region", "intercommunalite"
EPCI_TYPES = frozenset({"CA", "CC", "CU", "METRO", "MET69"})
_CA, _CC, _CU, _METROPOLES = frozenset({"CA"}), frozenset({"CC"}), frozenset({"CU"}), frozenset({"METRO", "MET69"})
_NO_TYPES: frozenset[str] = frozenset()

# What a name may start with, as words, and the kind (and for an EPCI, the DGCL types) it gives.
_PREFIXES: dict[tuple[str, ...], tuple[str, frozenset[str]]] = {
    **{(w,): (COMMUNE, _NO_TYPES) for w in ("ville", "mairie", "commune", "municipalite")},
    **{p: (DEPARTEMENT, _NO_TYPES) for p in (("conseil", "departemental"), ("conseil", "general"), ("departement",))},
    **{p: (REGION, _NO_TYPES) for p in (("region",), ("conseil", "regional"), ("collectivite", "territoriale"))},
    ("collectivite",): (REGION, _NO_TYPES),  # "Collectivité de Corse", of Martinique, of Guyane
    ("communaute", "d", "agglomeration"): (EPCI, _CA),
    ("communaute", "d", "agglo"): (EPCI, _CA),
    ("communaute", "urbaine"): (EPCI, _CU),
    ("communaute", "de", "communes"): (EPCI, _CC),
    ("ca",): (EPCI, _CA),  # the DGCL's own abbreviations
    ("cu",): (EPCI, _CU),
    ("cc",): (EPCI, _CC),
    ("metropole",): (EPCI, _METROPOLES),
    ("eurometropole",): (EPCI, _METROPOLES),
}
_LONGEST_FIRST = sorted(_PREFIXES, key=len, reverse=True)
# What an intercommunality's name may end with: "Grand Poitiers Communauté urbaine", "Valence Romans Agglo".
_SUFFIXES: dict[tuple[str, ...], frozenset[str]] = {
    ("communaute", "d", "agglomeration"): _CA,
    ("communaute", "urbaine"): _CU,
    ("communaute", "de", "communes"): _CC,
    ("agglo",): _CA,
    ("agglomeration",): _CA,
    ("metropole",): _METROPOLES,
    ("eurometropole",): _METROPOLES,
}
# Names a région goes by besides its own, after "Région" or "Conseil régional" only, and without an article:
# "Région du Centre" and "Région du Sud" are Burkinabè and Cameroonian.
_REGION_ALIASES = {"sud": "93", "sudprovencealpescotedazur": "93", "paca": "93", "centre": "24"}
# A département that is one collectivité with a commune of its name: the bare name means the commune.
_SAME_COLLECTIVITE = {"75": "75056"}
_BRACKETS = re.compile(r"\(([^()]*)\)")
_HYPHENATED = re.compile(r"\s*[^\W\d_]+-")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the reference data says of a name. When resolved: `code` is the INSEE code (a commune's,
    département's or région's) or an EPCI's SIREN; `siren` a commune's or EPCI's; `departement` and `region`
    the codes of the territory's (for an EPCI over several, those of its most populous member; a département's
    région too); `merged_into` the commune a commune déléguée or associée now belongs to (its `code` staying
    its own, which may be the same). When ambiguous: `candidates`, codes, and `candidate_kinds`, their kinds."""

    status: str  # "resolved", "ambiguous" or "unknown"
    kind: str | None = None  # "commune", "departement", "region" or "intercommunalite"
    code: str | None = None
    siren: str | None = None
    label: str | None = None
    departement: str | None = None
    region: str | None = None
    merged_into: str | None = None
    candidates: tuple[str, ...] = ()
    candidate_kinds: tuple[str, ...] = ()


UNKNOWN = Resolution("unknown")


@dataclass(frozen=True, slots=True)
class _Query:
    """A name taken apart: the kind its words say (None for a bare name), the EPCI types, and the words of the
    name proper (`full` keeps an EPCI's own words, "Bordeaux Métropole", that `rest` has lost)."""

    kind: str | None
    types: frozenset[str]
    rest: list[str]
    full: list[str]


@lru_cache(maxsize=16384)
def resolve(name: str) -> Resolution:
    """The place `name` designates: resolved, ambiguous or unknown (see the module's rules).

    >>> resolve("Ville de Romans-sur-Isère").code
    '26281'
    >>> resolve("Saint-Denis").status
    'ambiguous'
    """
    ref = load()
    if "(" in name:  # a name that has its brackets in the data: "Château-Chinon (Ville)", "CA ECLA (…)"
        whole = _dedup(p for q in _queries(words(name), hyphenated=False) for p in _places(ref, q))
        if whole:
            return _outcome(whole)
    base = _BRACKETS.sub(" ", name)
    queries = _queries(words(base), hyphenated=_HYPHENATED.match(base) is not None)
    qualifiers = []
    for bracket in _BRACKETS.findall(name):
        found = _qualifier(ref, bracket)
        if found is None:
            return UNKNOWN
        if found[0] == "article":
            queries = [_Query(q.kind, q.types, [found[1], *q.rest], [found[1], *q.full]) for q in queries]
        elif found[0] == "kind":
            queries = [_Query(found[1], found[2], q.rest, q.full) if q.kind is None else q for q in queries]
        elif found[0] == "acronym":  # only intercommunalities carry one: "(CCEL)"
            queries = [q for q in queries if q.kind == EPCI]
        elif found[0] != "ignore":
            qualifiers.append(found)
    places = (p for q in queries for p in _places(ref, q))
    return _outcome(_dedup(p for p in places if all(_fits(ref, p, q) for q in qualifiers)))


def _dedup(places: Iterable[Place]) -> list[Place]:
    found: list[Place] = []
    for place in places:
        if place not in found:
            found.append(place)
    return found


def _outcome(places: list[Place]) -> Resolution:
    if len(places) == 1:
        return _resolved(places[0])
    if not places:
        return UNKNOWN
    return Resolution("ambiguous", candidates=tuple(_code(p) for p in places),
                      candidate_kinds=tuple(_kind(p) for p in places))


def _queries(ws: list[str], *, hyphenated: bool) -> list[_Query]:
    """The ways to read a name: by the kind its first or last words give, and then as a commune's whole name
    too ("Ville Langy" may be Langy or Ville-Langy); a first word joined by a hyphen is the name's own
    ("Ville-d'Avray")."""
    if not ws:
        return []
    found = None if hyphenated else _prefix(ws)
    if found is not None and found[2]:
        kind, types, rest = found
        return [_Query(kind, types, rest, ws if kind == EPCI else rest), _Query(COMMUNE, _NO_TYPES, ws, ws)]
    for suffix, types in _SUFFIXES.items():
        if len(ws) > len(suffix) and tuple(ws[-len(suffix):]) == suffix:
            return [_Query(EPCI, types, ws[: -len(suffix)], ws), _Query(COMMUNE, _NO_TYPES, ws, ws)]
    if EPCI_WORDS & set(ws):  # "Tours Métropole Val de Loire": by its full name only
        return [_Query(EPCI, _NO_TYPES, [], ws), _Query(None, _NO_TYPES, ws, ws)]
    return [_Query(None, _NO_TYPES, ws, ws)]


def _prefix(ws: list[str]) -> tuple[str, frozenset[str], list[str]] | None:
    """The kind a name's first words give, and the rest with the connector turned into the article it holds
    ("Ville du Havre" → "le havre"), or None."""
    for prefix in _LONGEST_FIRST:
        if tuple(ws[: len(prefix)]) == prefix:
            rest = ws[len(prefix):]
            if rest[:1] in (["de"], ["d"]):
                rest = rest[1:]
            elif rest[:1] == ["du"]:
                rest = ["le", *rest[1:]]
            elif rest[:1] == ["des"]:
                rest = ["les", *rest[1:]]
            return (*_PREFIXES[prefix], rest)
    return None


def _qualifier(ref: Reference, text: str) -> tuple | None:
    """What a bracket says: ("article", word), ("kind", kind, types), ("departement" | "region" | "code", code),
    ("acronym",), ("ignore",) for nothing, or None when it says something the reference data cannot check."""
    ws = words(text)
    if not ws:
        return ("ignore",)  # "()"
    if len(ws) == 1:
        word = ws[0]
        if word in ARTICLES:
            return ("article", word)
        if word.upper() in ref.departements:
            return ("departement", word.upper())
        if re.fullmatch(r"\d{5}|\d{9}|2[ab]\d{3}", word):
            return ("code", word.upper())
    found = _prefix(ws)
    if found is not None and not found[2]:
        return ("kind", found[0], found[1])
    for index, kind in ((ref.departement_names, "departement"), (ref.region_names, "region")):
        matches = index.get(name_key(ws), ())
        if len(matches) == 1:
            return (kind, matches[0].code)
    stripped = text.strip()
    if len(stripped) <= 12 and stripped == stripped.upper():
        return ("acronym",)  # "(CCEL)", "(C2A)", "(CC VBA)"
    return None


def _places(ref: Reference, query: _Query) -> list[Place]:
    if query.kind == COMMUNE:
        return list(_communes(ref, query.rest))
    if query.kind == DEPARTEMENT:
        return list(_departements(ref, query.rest))
    if query.kind == REGION:
        code = _REGION_ALIASES.get(key(query.rest))
        return [ref.regions[code]] if code else list(ref.region_names.get(name_key(query.rest), ()))
    if query.kind == EPCI:
        return list(_epcis(ref, query))
    places: list[Place] = [*_communes(ref, query.rest), *_departements(ref, query.rest),
                           *ref.region_names.get(name_key(query.rest), ())]
    codes = {p.code for p in places if isinstance(p, Commune)}
    regions = {p.code for p in places if isinstance(p, Region)}
    return [p for p in places if not (isinstance(p, Departement) and (
        _SAME_COLLECTIVITE.get(p.code) in codes or (p.region == p.code and p.code in regions)))]


def _communes(ref: Reference, ws: list[str]) -> list[Commune]:
    current = ref.commune_names.get(key(ws), ())
    codes = {c.code for c in current}
    return [*current, *(c for c in ref.merged_names.get(key(ws), ()) if c.merged_into not in codes)]


def _departements(ref: Reference, ws: list[str]) -> tuple[Departement, ...]:
    if len(ws) == 1 and ws[0].upper() in ref.departements:  # "Conseil départemental 26"
        return (ref.departements[ws[0].upper()],)
    return ref.departement_names.get(name_key(ws), ())


def _epcis(ref: Reference, query: _Query) -> tuple[Intercommunalite, ...]:
    """By full name first, whatever its type ("Communauté urbaine Le Havre Seine Métropole"), else by the
    distinctive rest of it, within the types the name gives."""
    for ws in (query.full, query.rest):
        found = ref.epci_names.get(key(strip_leading(ws)), ())
        if found:
            return found
    return tuple(e for e in ref.epci_cores.get(epci_core(query.rest), ()) if e.type in (query.types or EPCI_TYPES))


def _fits(ref: Reference, place: Place, qualifier: tuple) -> bool:
    """Whether `place` agrees with a bracket's département, région or code."""
    what, code = qualifier
    if what == "code":
        return code in (_code(place), getattr(place, "siren", None)) or code in getattr(place, "former_codes", ())
    if isinstance(place, Region):
        return place.code == (code if what == "region" else ref.departements[code].region)
    if what == "region":
        return place.region == code
    if isinstance(place, Intercommunalite):
        return code in ref.departements_of(place)
    return (place.code if isinstance(place, Departement) else place.departement) == code


def _code(place: Place) -> str:
    return place.siren if isinstance(place, Intercommunalite) else place.code


def _kind(place: Place) -> str:
    return {Commune: COMMUNE, Departement: DEPARTEMENT, Region: REGION, Intercommunalite: EPCI}[type(place)]


_EPCI_LABELS = {"CA": "Communauté d'agglomération", "CC": "Communauté de communes", "CU": "Communauté urbaine"}


def label(epci: Intercommunalite) -> str:
    """An EPCI's name with the DGCL's abbreviation spelt out: "CA Valence Romans Agglo" → "Communauté
    d'agglomération Valence Romans Agglo"."""
    first, _, rest = " ".join(epci.name.split()).partition(" ")
    return f"{_EPCI_LABELS[first]} {rest}" if first in _EPCI_LABELS and rest else " ".join(epci.name.split())


def _resolved(place: Place) -> Resolution:
    if isinstance(place, Commune):
        return Resolution("resolved", COMMUNE, place.code, place.siren, place.name, place.departement,
                          place.region, place.merged_into)
    if isinstance(place, Departement):
        return Resolution("resolved", DEPARTEMENT, place.code, None, place.name, region=place.region)
    if isinstance(place, Region):
        return Resolution("resolved", REGION, place.code, None, place.name)
    return Resolution("resolved", EPCI, place.siren, place.siren, label(place), place.departement, place.region)
