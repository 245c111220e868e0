"""schema.org JSON-LD for every page, so that search engines and dataset finders read what the page is about.

Built from the same view data as the page; embedded with `html.script_json`, which keeps any scraped text from
closing the `<script>` element.
"""

from __future__ import annotations

from typing import Any

from atlas_ld.web.views.pages import Link

CONTEXT = "https://schema.org"


def _ref(kind: str, link: Link, **extra: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": kind, "name": link.label}
    if link.iri:
        node["@id"] = link.iri
    return {**node, **extra}


def _country(link: Link | None) -> dict[str, Any] | None:
    return _ref("Country", link) if link is not None else None


def project(iri: str, title: str, view: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": CONTEXT, "@type": "Project", "@id": iri, "name": title}
    if view["identifier"]:
        data["identifier"] = view["identifier"]
    if view["start_year"]:
        data["foundingDate"] = view["start_year"]
    if view["end_date"]:
        data["dissolutionDate"] = view["end_date"]
    objective = next((paras for label, paras in view["texts"] if label == "Objectif du partenariat"), None)
    if objective:
        data["description"] = "\n\n".join(objective)
    members = [_ref("GovernmentOrganization", a) for a in view["french_partners"]]
    members += [
        _ref("GovernmentOrganization", a, **({"location": _country(c)} if c is not None else {}))
        for a, c in view["foreign_partners"]
    ]
    if members:
        data["member"] = members
    countries = [c for _, c in view["foreign_partners"] if c is not None]
    if countries:
        data["areaServed"] = [_country(c) for c in countries]
    funders = {line.funder.iri or line.funder.label: line.funder for line in view["funding"]}
    if funders:
        data["funder"] = [_ref("Organization", f) for f in funders.values()]
    keywords = [link.label for link in view["theme_path"]] + [
        p.subject.label for p in view["other_themes"] + view["sdgs"]
    ]
    if keywords:
        data["keywords"] = list(dict.fromkeys(keywords))
    if view["source_url"]:
        data["isBasedOn"] = view["source_url"]
    return data


def organisation(iri: str, title: str, country: Link | None = None, parent: list[Link] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": CONTEXT, "@type": "GovernmentOrganization", "@id": iri, "name": title}
    if country is not None:
        data["location"] = _country(country)
    if parent:
        data["parentOrganization"] = _ref("GovernmentOrganization", parent[0])
    return data


def country(iri: str, title: str) -> dict[str, Any]:
    return {"@context": CONTEXT, "@type": "Country", "@id": iri, "name": title}


def concept(iri: str, title: str, view: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": CONTEXT, "@type": "DefinedTerm", "@id": iri, "name": title}
    if view["notation"]:
        data["termCode"] = view["notation"]
    if view["schemes"]:
        data["inDefinedTermSet"] = _ref("DefinedTermSet", view["schemes"][0])
    if view["matches"]:
        data["sameAs"] = view["matches"]
    return data


def scheme(iri: str, title: str, view: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "DefinedTermSet",
        "@id": iri,
        "name": title,
        "hasDefinedTerm": [_ref("DefinedTerm", link) for _, link, _ in view["tree"]],
    }


def dataset(iri: str, title: str, view: dict[str, Any], *, license_uri: str, publisher: str) -> dict[str, Any]:
    descriptions = [text for lang, text in view["comments"] if lang == "fr"] or [t for _, t in view["comments"]]
    data = {
        "@context": CONTEXT,
        "@type": "Dataset",
        "@id": iri,
        "name": title,
        "description": descriptions[0] if descriptions else title,
        "license": license_uri,
        "publisher": {"@type": "GovernmentOrganization", "name": publisher},
        "variableMeasured": ["montant (EUR)", "montant 1 % Eau (EUR)"],
    }
    if view["by_year"]:
        data["temporalCoverage"] = f"{view['by_year'][0].label}/{view['by_year'][-1].label}"
    return data


def thing(iri: str, title: str) -> dict[str, Any]:
    return {"@context": CONTEXT, "@type": "Thing", "@id": iri, "name": title}


def site(name: str, search_path: str, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": name,
        "description": f"{counts.get('projects', 0)} projets de coopération décentralisée en données liées.",
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search_path}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def query_page(name: str, endpoint_url: str) -> dict[str, Any]:
    """The SPARQL page: a web page about the endpoint, which schema.org has no closer type for."""
    return {
        "@context": CONTEXT,
        "@type": "WebPage",
        "name": name,
        "about": {"@type": "DataCatalog", "name": "Atlas français de la coopération décentralisée"},
        "significantLink": endpoint_url,
    }
