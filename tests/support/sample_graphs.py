"""A small dataset shaped like the ingested one (one named graph per project, one for a code list), for the
SPARQL and HTTP tests, written by hand so that they do not depend on the parser or the mapping."""

from __future__ import annotations

BASE = "https://atlas.example.org/"
PROJECT_12523 = BASE + "id/project/12523"
PROJECT_16323 = BASE + "id/project/16323"
GRAPH_12523 = BASE + "graph/project/12523"
GRAPH_16323 = BASE + "graph/project/16323"
GRAPH_STATUSES = BASE + "graph/scheme/status"
TITLE_12523 = "Projet d'action internationale de Romans et de ses villes partenaires"
TITLE_16323 = "Coopération décentralisée entre la Région Sud et la Tunisie"

SAMPLE_TRIG = f"""
@prefix atlas: <{BASE}def/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{GRAPH_12523}> {{
  <{PROJECT_12523}> a atlas:Project ;
    dcterms:title "{TITLE_12523}"@fr ;
    atlas:status <{BASE}id/status/en-cours> ;
    atlas:startYear "2010"^^xsd:gYear ;
    atlas:partner <{BASE}id/authority/tun/el-jem> .
  <{BASE}id/authority/tun/el-jem> skos:prefLabel "El Jem"@fr .
}}

<{GRAPH_16323}> {{
  <{PROJECT_16323}> a atlas:Project ;
    dcterms:title "{TITLE_16323}"@fr ;
    atlas:status <{BASE}id/status/termine> ;
    atlas:startYear "2022"^^xsd:gYear .
}}

<{GRAPH_STATUSES}> {{
  <{BASE}id/status/en-cours> skos:prefLabel "En cours"@fr .
  <{BASE}id/status/termine> skos:prefLabel "Terminé"@fr .
}}
"""
