"""Organisations and people: partners and their contacts, embassy posts and staff, volunteers, funders."""

from __future__ import annotations

from collections.abc import Callable

from pyoxigraph import Literal, NamedNode

from atlas_ld import codelists
from atlas_ld.mapping.places import Places
from atlas_ld.mapping.literals import unique
from atlas_ld.mapping.schemes import CONTACT_ROLES, MINISTRY_NAME, fr
from atlas_ld.parse.emails import is_valid_email
from atlas_ld.reference import resolve
from atlas_ld.uris import slugify
from atlas_ld.vocab import DCTERMS, FOAF, ORG, RDF, RDFS, VCARD

_State = Callable[[NamedNode, NamedNode, NamedNode | Literal], None]


class Organisations(Places):
    """Who takes part: each organisation and person is shared, the project's links to them are its own."""

    def country(self, iso3: str) -> NamedNode:
        node = NamedNode(self.uris.country(iso3))
        self.share(node, RDF.type, DCTERMS.Location)
        self.share(node, RDFS.label, fr(codelists.country_names().get(iso3, iso3)))
        return node

    def authority(self, name: str, iso3: str | None, country_as_written: str | None = None) -> NamedNode:
        node = NamedNode(self.uris.authority(name, iso3))
        self.share(node, RDF.type, ORG.Organization)
        self.share(node, RDF.type, self.atlas.LocalAuthority)
        self.share(node, RDFS.label, Literal(name))
        if iso3 is not None:
            self.share(node, DCTERMS.spatial, self.country(iso3))
            if iso3 == "FRA":
                self.place_french(node, name)
        elif country_as_written:
            self.share(node, VCARD["country-name"], Literal(country_as_written))
        self._authorities.setdefault(slugify(name), node)
        return node

    def ministry(self) -> NamedNode:
        node = NamedNode(self.uris.ministry())
        self.share(node, RDF.type, ORG.Organization)
        self.share(node, RDFS.label, fr(MINISTRY_NAME))
        return node

    def email(self, state: _State, person: NamedNode, address: str | None, valid: bool = True) -> None:
        """The person's address, stated with `state`: `add` for a project's own contact, `share` for a post's."""
        if not address:
            return
        if valid and is_valid_email(address):
            state(person, FOAF.mbox, NamedNode("mailto:" + address))
        else:
            state(person, self.atlas.malformedEmail, Literal(address))

    def person_names(self, person: NamedNode, given: str | None, family: str | None) -> None:
        self.add(person, RDF.type, FOAF.Person)
        if given:
            self.add(person, FOAF.givenName, Literal(given))
        if family:
            self.add(person, FOAF.familyName, Literal(family))
        if given or family:
            self.add(person, FOAF.name, Literal(" ".join(n for n in (given, family) if n)))

    def authorities(self) -> None:
        r, atlas = self.record, self.atlas
        for name in r.french_partners:
            self.link(atlas.frenchPartner, self.authority(name, "FRA"))
        for partner in r.foreign_partners:
            iso3 = codelists.country_iso3(partner.country) if partner.country else None
            node = self.authority(partner.name, iso3, partner.country)
            self.link(atlas.foreignPartner, node)
            if iso3 is not None:
                self.link(DCTERMS.spatial, NamedNode(self.uris.country(iso3)))
        keys = [
            " ".join(n for n in (c.given_name, c.family_name) if n) or c.email or c.function or "contact"
            for c in r.partner_contacts
        ]
        for contact, key in zip(r.partner_contacts, unique(keys)):
            person = NamedNode(self.uris.partner_contact(r.prj_id, contact.authority, key))
            self.link(atlas.partnerContact, person)
            self.person_names(person, contact.given_name, contact.family_name)
            authority = self._authorities.get(slugify(contact.authority)) or self.authority(contact.authority, None)
            self.add(person, ORG.memberOf, authority)
            if contact.function:
                self.add(person, VCARD.title, Literal(contact.function))
            self.email(self.add, person, contact.email)

    def posts(self) -> None:
        """The posts and their staff are shared; which of the staff this page lists is the project's own link."""
        for post in self.record.posts:
            node = NamedNode(self.uris.post(post.name))
            self.link(self.atlas.diplomaticPost, node)
            self.share(node, RDF.type, ORG.OrganizationalUnit)
            self.share(node, RDFS.label, Literal(post.name))
            self.share(node, ORG.unitOf, self.ministry())
            for contact in post.contacts:
                key = contact.name or contact.email or f"{post.name} {contact.role}"
                person = NamedNode(self.uris.person(key))
                membership = NamedNode(self.uris.membership(post.name, contact.role, key))
                self.link(self.atlas.postContact, membership)
                self.share(membership, RDF.type, ORG.Membership)
                self.share(membership, ORG.member, person)
                self.share(membership, ORG.organization, node)
                self.share(membership, ORG.role, self.small_concept(CONTACT_ROLES, contact.role))
                self.share(person, RDF.type, FOAF.Person)
                if contact.name:
                    self.share(person, FOAF.name, Literal(contact.name))
                self.email(self.share, person, contact.email, contact.email_valid)

    def volunteers(self) -> None:
        r, atlas = self.record, self.atlas
        keys = [" ".join(n for n in (v.given_name, v.family_name) if n) or "volunteer" for v in r.volunteers]
        for volunteer, key in zip(r.volunteers, unique(keys)):
            person = NamedNode(self.uris.volunteer(r.prj_id, key))
            self.link(atlas.volunteer, person)
            self.person_names(person, volunteer.given_name, volunteer.family_name)
            for prop, value in (
                (atlas.mission, volunteer.mission),
                (atlas.fieldOfAction, volunteer.field_of_action),
                (atlas.assignedEntity, volunteer.entity),
            ):
                if value:
                    self.add(person, prop, Literal(value))

    def funder(self, name: str) -> NamedNode:
        """A partner authority of the project when the name is one, else the ministry, else a French authority the
        reference data knows, else a funder of its own."""
        slug = slugify(name)
        if slug in self._authorities:
            return self._authorities[slug]
        if slug == slugify(MINISTRY_NAME):
            return self.ministry()
        if resolve(name).status == "resolved":  # a French authority that funds without being a partner
            return self.authority(name, "FRA")
        node = NamedNode(self.uris.funder(name))
        self.share(node, RDF.type, FOAF.Agent)
        self.share(node, RDFS.label, Literal(name))
        return node

