"""A deterministic synthetic corpus of Atlas detail pages, in the real pages' text rendering, for the benchmarks.

Pages are shaped like the real ones (see atlas_ld/examples/): both templates (c. 2015 with embassy contacts and
separate Contexte / Historique; c. 2022 with the ODD table and "Contexte et historique"), 0-2 embassy posts,
1-8 funding lines, long texts, other themes, foreign and French partners, partner contacts, volunteers and
documents. Every code value comes from atlas_ld.codelists; every choice from a random generator seeded with
the page number, so page N is the same whatever the size of the corpus.

    python benchmarks/corpus.py --pages 20000 --out benchmarks/out/corpus
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from atlas_ld.codelists import (
    CONTACT_ROLES,
    KNOWN_FUNDERS,
    PARTNERSHIP_FORMS,
    SDGS,
    STATUSES,
    THEMES,
    country_names,
)
from atlas_ld.reference.cog import load as load_reference

SEED = 20240611
VERSION = 2  # of the generator: a corpus written by another version is written again
FIRST_PRJ_ID = 100_000
HEADER = "Accueil > ???menu.atlas.libelle??? > ???menu.atlas.detailProjet.libelle???"
ATLAS = "Atlas français de la coopération décentralisée et des autres actions extérieures"
PAGINATION = "<< < pagination.page.precedent 1 pagination.page.suivant > >>"
MINISTRY = "Ministère de l'Europe et des Affaires étrangères"

# Partner countries, by ISO code; their French names come from pycountry as on the pages.
PARTNER_COUNTRIES = (
    "TUN", "MAR", "SEN", "BFA", "MLI", "BEN", "MDG", "ARM", "LBN", "DEU", "ITA", "POL", "ROU", "VNM", "KHM",
    "HTI", "CMR", "NER", "TGO", "GIN", "MRT", "ESP", "PRT", "BEL", "JPN", "CHN", "BRA", "CHL", "GEO", "UKR",
)  # fmt: skip
POST_CITIES = (
    "Tunis", "Alger", "Bamako", "Beyrouth", "Belgrade", "Bruxelles", "Conakry", "Cotonou", "Dakar", "Lisbonne",
    "Lomé", "Madrid", "Niamey", "Nouakchott", "Ouagadougou", "Skopje", "Tananarive", "Yaoundé", "Erevan", "Hanoï",
)  # fmt: skip
FRENCH_KINDS = ("Ville de", "Commune de", "Département", "Région", "Communauté d'agglomération de", "Métropole de")
SYLLABLES = (
    "ro", "man", "val", "mont", "bel", "char", "lan", "ville", "sur", "bourg", "gre", "no", "ble", "ver", "dun",
    "ker", "que", "per", "pi", "gnan", "tou", "lou", "se", "nan", "tes", "ly", "on", "bre", "tag", "ne", "sa",
)  # fmt: skip
RIVERS = ("Isère", "Loire", "Rhône", "Marne", "Seine", "Garonne", "Saône", "Oise")
GIVEN_NAMES = (
    "Ali", "Fatou", "Marie", "Pierre-Yves", "Valéry", "Catherine", "Hubert", "Laurent", "Aïcha", "Jean", "Sofia",
    "Moussa", "Anna", "Karim", "Élodie", "Tiago", "Mei", "Hovhannes", "Rokia", "Luca",
)  # fmt: skip
WORDS = (
    "coopération", "décentralisée", "collectivité", "partenariat", "territoire", "développement", "durable",
    "formation", "jeunesse", "échange", "gouvernance", "locale", "projet", "action", "population", "service",
    "municipal", "accompagnement", "renforcement", "capacités", "eau", "assainissement", "culture", "patrimoine",
    "économie", "agriculture", "santé", "éducation", "mobilité", "réseau", "acteurs", "associations", "élus",
    "techniciens", "programme", "évaluation", "politique", "publique", "solidarité", "internationale", "ville",
    "région", "rurale", "urbaine", "dispositif", "financement", "convention", "mise", "œuvre", "appui",
)  # fmt: skip
LINKS = ("de la", "des", "pour la", "avec les", "dans le cadre de la", "au bénéfice des", "et la", "grâce à l'")
FUNCTIONS = ("Maire", "Directeur général des services", "Chargée de mission", "Président", "Adjoint au maire")
VOLUNTEER_MISSIONS = ("Appui à la coordination", "Animation jeunesse", "Suivi technique eau et assainissement")
DOCUMENT_TITLES = ("Accord de coopération", "Convention de partenariat", "Rapport d'activité", "Budget prévisionnel")


@dataclass(frozen=True)
class PageFacts:
    """What a generated page holds, for checking the ingest's result against it."""

    prj_id: int
    template: str
    posts: int
    funding_lines: int
    water_amounts: int


def _name(rng: random.Random, parts: int) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()
        if name != "None":  # a real name, but one that reads as a missing value in every log
            return name


def _french_authority(rng: random.Random) -> str:
    """A French partner as the Atlas names it: mostly a real collectivité, a few of them far more often than the
    rest (the Atlas has about 4,800 for 12,000 projects, régions and large towns in many), and one in ten a name
    the reference data does not know, as on the real pages."""
    if rng.random() < 0.1:
        town = _name(rng, rng.randint(2, 3))
        if rng.random() < 0.2:
            town = f"{town}-sur-{rng.choice(RIVERS)}"
        return f"{rng.choice(FRENCH_KINDS)} {town}" if rng.random() < 0.5 else town
    pool = _french_pool()
    # Squaring favours the head of the pool: its first name comes 1.4% of the time, its 135 régions and
    # départements one time in six.
    return pool[int(len(pool) * rng.random() ** 2)]


@cache
def _french_pool() -> tuple[str, ...]:
    """4,800 real collectivités named in the Atlas's ways, in a fixed order: régions and départements first (the
    most frequent partners), then intercommunalities and communes shuffled together."""
    ref = load_reference()
    rng = random.Random(f"{SEED}:french-pool")
    regions = [rng.choice((f"Région {r.name}", f"Conseil régional {_of(r.name)}")) for r in ref.regions.values()]
    departements = [
        rng.choice((f"Département {_of(d.name)}", f"Conseil départemental {_of(d.name)}", f"Conseil général {_of(d.name)}"))
        for d in ref.departements.values()
    ]
    epcis = [e.name.removeprefix("CA ").removeprefix("CC ").removeprefix("CU ") for e in ref.epcis.values()]
    epcis = [name if any(w in name for w in ("Communauté", "Métropole", "Agglo")) else f"Communauté de communes {name}"
             for name in rng.sample(sorted(epcis), 400)]  # fmt: skip
    communes = [rng.choice((f"Ville {_of(c.name, elided=True)}", f"Commune {_of(c.name, elided=True)}", c.name, c.name))
                for c in rng.sample(sorted(ref.communes.values(), key=lambda c: c.code), 4_800)]  # fmt: skip
    rest = epcis + communes
    rng.shuffle(rest)
    head = regions + departements
    rng.shuffle(head)
    return tuple(head + rest)[:4_800]


def _of(name: str, elided: bool = False) -> str:
    """"de Grenoble", "de l'Isère" (a town: "d'Ébreuil"), "du Rhône", "des Landes": what a place name takes after
    "de", guessed from its first letters (the extract has no article code); the resolution strips it anyway."""
    for article, contracted in (("Les ", "des "), ("Le ", "du "), ("La ", "de la "), ("L'", "de l'")):
        if name.startswith(article):
            return contracted + name.removeprefix(article)
    if name[0] in "AEIOUYÉÈÎ":
        return f"d'{name}" if elided else f"de l'{name}"
    return f"de {name}"


def _sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(3, 7)):
        words += rng.sample(WORDS, rng.randint(2, 4))
        words.append(rng.choice(LINKS))
    words.append(rng.choice(WORDS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice((".", ".", " ;", " :"))


def _paragraphs(rng: random.Random, low: int, high: int) -> list[str]:
    return [" ".join(_sentence(rng) for _ in range(rng.randint(2, 6))) for _ in range(rng.randint(low, high))]


def _theme(rng: random.Random) -> tuple[str, str, str]:
    top = rng.choice(list(THEMES))
    sub = rng.choice(list(THEMES[top]))
    leaves = THEMES[top][sub]
    return top, sub, rng.choice(leaves) if leaves and rng.random() < 0.6 else ""


def _email(given: str, family: str, domain: str) -> str:
    local = f"{given}.{family}".lower().replace(" ", "").replace("ï", "i").replace("é", "e").replace("è", "e")
    return f"{local}@{domain}"


def generate_page(number: int, seed: int = SEED) -> tuple[PageFacts, str]:
    """Page `number` of the corpus: its facts and its text."""
    rng = random.Random(f"{seed}:{number}")
    prj_id = FIRST_PRJ_ID + number
    newer = rng.random() < 0.3
    countries = country_names()
    lines = [HEADER, "", ATLAS, ""]

    posts = 0 if newer else rng.choice((0, 1, 1, 1, 2))
    for city in rng.sample(POST_CITIES, posts):
        post = f"AMBASSADE DE FRANCE A {city.upper()}" if rng.random() < 0.3 else f"Ambassade de France à {city}"
        lines += [f'Contacts dans le poste diplomatique "{post}"', ""]
        for index, role in enumerate(CONTACT_ROLES):
            given, family = rng.choice(GIVEN_NAMES), _name(rng, 2).upper()
            if index:
                lines.append(" ")
            lines.append(role)
            if rng.random() < 0.9:
                lines.append(f"{given} {family}")
            lines.append("Courriel : " + _email(given, family, "diplomatie.gouv.fr").replace("@", "[at]"))

    signature = rng.randint(2000, 2021)
    start = signature + rng.randint(0, 2)
    top, sub, leaf = _theme(rng) if rng.random() < 0.95 else ("", "", "")
    lines += ["Titre", " ".join(_sentence(rng).split()[: rng.randint(5, 14)]).rstrip(" .;:")]
    lines += ["Année de signature de la convention ou de la lettre d'intention" if newer else
              "Année de première signature de la convention", str(signature)]  # fmt: skip
    for label, value in zip(("Thématique", "Sous-thématique", "Sous-sous-thématique"), (top, sub, leaf), strict=True):
        lines.append(f"{label} d'intervention")
        if value:
            lines.append(value)

    others = "Autres thématiques mises en œuvre pour le partenariat"
    lines += ["", others, "", others, "Thématique éligible Sous-thématique Sous-sous-thématique Priorité"]
    for priority in range(1, rng.randint(0, 4) + 1):
        lines.append(" ".join(v for v in _theme(rng) if v) + f" {priority}")
    lines.append(PAGINATION)
    if newer:
        odd = "Objectifs de développement durable - ODD"
        lines += ["", odd, "", odd, "Thématique éligible"]
        for goal in sorted(rng.sample(list(SDGS), rng.randint(1, 6))):
            lines.append(f"{goal} - {SDGS[goal][0]} {rng.randint(1, 3)}")

    status = rng.choice(list(STATUSES))
    lines += ["Année de début du partenariat", str(start), "Le partenariat est :" if newer else "Le partenariat est"]
    lines += [status, "Date de fin du partenariat"]
    if status == "Terminé" or rng.random() < 0.5:
        lines.append(f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{start + rng.randint(1, 3)}")
    if newer:
        lines += ["Contexte et historique", *_paragraphs(rng, 2, 6)]
    else:
        lines += ["Contexte", *_paragraphs(rng, 2, 6), "Historique", *_paragraphs(rng, 1, 5)]
    lines += ["Objectif du partenariat", *_paragraphs(rng, 1, 3)]
    lines += ["Description détaillée du partenariat", *_paragraphs(rng, 2, 7)]

    french = [_french_authority(rng) for _ in range(rng.randint(1, 3))]
    lines += ["Votre partenariat prend la forme d'un(e)", rng.choice(list(PARTNERSHIP_FORMS))]
    lines += ["Mise en œuvre du partenariat", "Maître(s) d'œuvre", french[0], "Maître(s) d'ouvrage", french[0]]
    lines += ["Bénéficiaire(s)", *_paragraphs(rng, 1, 1)]

    foreign = [(_name(rng, rng.randint(2, 3)), countries[rng.choice(PARTNER_COUNTRIES)]) for _ in range(rng.randint(1, 3))]
    heading = "Partenaires étrangers du partenariat"
    lines += ["", heading, "", heading, "Nom de la collectivité étrangère Pays  "]
    lines += [f"{name} {country} commun.ico.loupe.alter" for name, country in foreign]
    heading = "Contacts dans les partenaires étrangers du partenariat"
    lines += ["", heading, "", heading, "Nom de la collectivité étrangère Nom Prénom Fonction Courriel"]
    for name, _country in foreign[: rng.randint(0, len(foreign))]:
        given, family = rng.choice(GIVEN_NAMES), _name(rng, 2).upper()
        lines.append(f"{name} {family} {given} {rng.choice(FUNCTIONS)} {_email(given, family, 'example.org')}")
    heading = "Collectivités territoriales partenaires du partenariat"
    lines += ["", heading, "", heading, "Nom de la collectivité territoriale  "]
    lines += [f"{name} commun.ico.loupe.alter" for name in french]
    lines += ["", "", ""]
    if rng.random() < 0.4:
        lines += ["Le partenariat est triennal", ""]

    heading = "Financement du partenariat"
    water_label = "Montant 1% Eau (Loi Oudin 2005)"
    lines += [heading, "", heading, f"Nom du financeur Montant en euros {water_label} {water_label} {water_label} Année"]
    funders = [*french, *KNOWN_FUNDERS]
    funding_lines = rng.randint(1, 8)
    water_amounts = 0
    for line in range(funding_lines):
        funder = rng.choice(funders) if line else french[0]
        cells = [funder, str(rng.randrange(0, 200_000, 500))]
        if rng.random() < 0.25:
            cells.append(str(rng.randrange(0, 20_000, 100)))
            water_amounts += 1
        cells.append(str(start + rng.randint(0, 2)))
        lines.append(" ".join(cells))
    lines += ["", "", "", "", "Évaluations, communication et perspectives", ""]
    for statement in ("Une communication a été engagée en France", "Une communication a été engagée dans les pays partenaires",
                      "Une politique d'évaluation a été engagée"):  # fmt: skip
        if rng.random() < 0.5:
            lines += [statement, ""]

    heading = "Volontaires impliqués dans le partenariat (VSI, service civique, etc.) d'Échange et de Solidarité"
    lines += [heading, "", heading, "Nom Prénom Mission Champs d'action Entité d'affectation"]
    if rng.random() < 0.15:
        given, family = rng.choice(GIVEN_NAMES), _name(rng, 2).upper()
        lines.append(f"{family} {given} {rng.choice(VOLUNTEER_MISSIONS)} {top or 'Santé'} {french[0]}")
    lines += ["", "Documents", "", "Documents", "Titre du document Taille en Ko Nom du fichier  "]
    for index in range(rng.choice((0, 0, 1, 2))):
        title = rng.choice(DOCUMENT_TITLES)
        size = f"{rng.randint(20, 4000)}.{rng.randint(0, 99):02d}"
        lines.append(f"{title} {size} document_{prj_id}_{index + 1}.pdf commun.ico.doc.alter")
    lines += ["", "", "PIED DE PAGE", "", f"Tous droits réservés - {MINISTRY} {rng.randint(2013, 2023)}"]
    facts = PageFacts(prj_id, "2022" if newer else "2015", posts, funding_lines, water_amounts)
    return facts, "\n".join(lines) + "\n"


def write_corpus(directory: Path, pages: int, seed: int = SEED) -> list[PageFacts]:
    """Write `<prjId>.txt` for pages 0..pages-1 (kept when already there for the same size, seed and version)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = directory / ".corpus.json"
    wanted = {"pages": pages, "seed": seed, "version": VERSION}
    facts = []
    reuse = stamp.exists() and json.loads(stamp.read_text())["spec"] == wanted
    if reuse:
        return [PageFacts(**f) for f in json.loads(stamp.read_text())["facts"]]
    for old in directory.glob("*.txt"):
        old.unlink()
    for number in range(pages):
        page_facts, text = generate_page(number, seed)
        (directory / f"{page_facts.prj_id}.txt").write_text(text, encoding="utf-8")
        facts.append(page_facts)
    stamp.write_text(json.dumps({"spec": wanted, "facts": [f.__dict__ for f in facts]}))
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "corpus")
    args = parser.parse_args()
    facts = write_corpus(args.out, args.pages, args.seed)
    print(f"{len(facts)} pages in {args.out}")


if __name__ == "__main__":
    main()
