"""French authorities placed with the reference data (`atlas_ld.reference`, INSEE's Code officiel géographique and
the DGCL's intercommunalities): what kind of authority each is, the territory it governs with its INSEE code, its
SIREN, and the département and région that territory lies in, so that "projects per région" is one query and
every French dataset can be joined on the INSEE code or the SIREN.

Terms: `org:classification` for the kind (a SKOS concept); `dcterms:coverage` for the territory (the
jurisdiction the authority governs), typed and coded with INSEE's own geographic ontology (`igeo:codeINSEE`,
`igeo:subdivisionDe` to its département and région); `adms:identifier` for the SIREN, because ADMS says which
register a number belongs to where a bare `dcterms:identifier` would not.

A name the reference data cannot place, or places in several territories, gets no code, and a warning with the
page's line: a wrong code is worse than none.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from atlas_ld.mapping.builder import ProjectBuilder
from atlas_ld.mapping.schemes import AUTHORITY_KINDS
from atlas_ld.records import ParseWarning
from atlas_ld.reference import Resolution, commune, departement, region, resolve
from atlas_ld.vocab import ADMS, DCTERMS, IGEO, ORG, RDF, RDFS, SKOS

# The kind a resolution gives → its concept's French label in AUTHORITY_KINDS, and its territory's INSEE class.
_KINDS = {
    "commune": ("Commune", IGEO.Commune),
    "departement": ("Département", IGEO.Departement),
    "region": ("Région", IGEO.Region),
    "intercommunalite": ("Intercommunalité", IGEO.Intercommunalite),
}
OTHER_KIND = "Autre collectivité"
SIREN_AGENCY = "Institut national de la statistique et des études économiques (INSEE), répertoire Sirene"


class Places(ProjectBuilder):
    """Places French authorities; everything said here is about shared resources (authorities, territories)."""

    def place_french(self, node: NamedNode, name: str) -> bool:
        """Say what the reference data knows of the authority `node` named `name`; False, and a warning with the
        page's line, when it cannot place it."""
        found = resolve(name)
        if found.status != "resolved" or found.kind is None or found.code is None:
            kind = OTHER_KIND if found.status == "unknown" else _single_kind(found)
            self.share(node, ORG.classification, self._kind_concept(kind))
            self.warnings.append(ParseWarning(self.record.name_lines.get(name), _why(name, found)))
            return False
        self.share(node, ORG.classification, self._kind_concept(_KINDS[found.kind][0]))
        territory = self._territory(found.kind, found.code, found.label)
        self.share(node, DCTERMS.coverage, territory)
        if found.siren:
            identifier = NamedNode(self.uris.thing(f"siren/{found.siren}"))
            self.share(node, ADMS.identifier, identifier)
            self.share(identifier, RDF.type, ADMS.Identifier)
            self.share(identifier, SKOS.notation, Literal(found.siren))
            self.share(identifier, ADMS.schemaAgency, Literal(SIREN_AGENCY, language="fr"))
        if found.merged_into and found.merged_into != found.code:  # a commune that kept its code names itself
            merged = commune(found.merged_into)
            newer = self._territory("commune", found.merged_into, merged.name if merged is not None else None)
            self.share(territory, DCTERMS.isReplacedBy, newer)
        if found.kind in ("commune", "intercommunalite"):
            self._in(territory, "departement", found.departement)
        if found.kind != "region":
            self._in(territory, "region", found.region)
        return True

    def _territory(self, kind: str, code: str, label: str | None) -> NamedNode:
        node = NamedNode(self.uris.thing(f"{kind}/{code}"))
        self.share(node, RDF.type, _KINDS[kind][1])
        self.share(node, IGEO.codeINSEE, Literal(code))
        if label:
            self.share(node, RDFS.label, Literal(label, language="fr"))
        return node

    def _in(self, territory: NamedNode, kind: str, code: str | None) -> None:
        """The territory lies in the département or région `code`: stated for both, so that one hop reaches either."""
        if not code:
            return
        found = departement(code) if kind == "departement" else region(code)
        parent = self._territory(kind, code, found.name if found is not None else None)
        self.share(territory, IGEO.subdivisionDe, parent)
        if kind == "departement" and found is not None:
            self.share(parent, IGEO.subdivisionDe, self._territory("region", found.region, _region_name(found.region)))

    def _kind_concept(self, label: str) -> NamedNode:
        return NamedNode(self.uris.concept(AUTHORITY_KINDS.kind, label))


def _single_kind(found: Resolution) -> str:
    """The kind an ambiguous name has whichever place it is (several communes named alike), else "other"."""
    kinds = set(found.candidate_kinds)
    return _KINDS[kinds.pop()][0] if len(kinds) == 1 else OTHER_KIND


def _why(name: str, found: Resolution) -> str:
    if found.status == "ambiguous":
        codes = ", ".join(found.candidates[:6]) + (", ..." if len(found.candidates) > 6 else "")
        return f"French authority {name!r} fits several places in the reference data ({codes}): left without a code"
    return f"French authority {name!r} is not in the reference data (INSEE, DGCL): left without a code"


def _region_name(code: str) -> str | None:
    found = region(code)
    return found.name if found is not None else None
