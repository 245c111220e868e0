"""French authorities as the Atlas writes them, resolved against the shipped reference data; precision first:
a name that fits several places, or none, gets no code."""

from __future__ import annotations

import pytest

from atlas_ld.reference import departement, intercommunalite, region, resolve
from atlas_ld.reference.cog import load
from atlas_ld.reference.normalise import key, words

ROMANS = ("26281", "212602817", "26", "84")


@pytest.mark.parametrize(
    "name",
    ["Romans sur Isère", "ROMANS-SUR-ISERE", "Ville de Romans-sur-Isère", "Mairie de Romans s/ Isère",
     "Commune de Romans sur Isere", "romans-sur-isère", "Romans-sur-Isère (26)", "Romans-sur-Isère (Drôme)",
     "Romans-sur-Isère (Ville de)"],
)
def test_the_seed_authority_in_every_spelling(name: str) -> None:
    found = resolve(name)
    assert (found.status, found.kind, found.label) == ("resolved", "commune", "Romans-sur-Isère")
    assert (found.code, found.siren, found.departement, found.region) == ROMANS
    assert found.merged_into is None and found.candidates == ()


def test_departement_and_region_lookups() -> None:
    assert (departement("26").name, departement("26").region) == ("Drôme", "84")
    assert region("84").name == "Auvergne-Rhône-Alpes"
    assert (departement("2a").name, departement("2A").region) == ("Corse-du-Sud", "94")
    assert departement("99") is None and region("99") is None


@pytest.mark.parametrize(
    ("name", "code", "label"),
    [("Conseil départemental de la Drôme", "26", "Drôme"), ("Conseil général de l'Isère", "38", "Isère"),
     ("Département de la Drôme", "26", "Drôme"), ("CONSEIL GENERAL DE LA DROME", "26", "Drôme"),
     ("Conseil départemental du Nord", "59", "Nord"), ("Département des Hauts-de-Seine", "92", "Hauts-de-Seine"),
     ("Conseil départemental d'Ille-et-Vilaine", "35", "Ille-et-Vilaine"), ("Département de Paris", "75", "Paris"),
     ("Conseil départemental de La Réunion", "974", "La Réunion"),
     ("Conseil départemental 2A", "2A", "Corse-du-Sud")],
)
def test_departements(name: str, code: str, label: str) -> None:
    found = resolve(name)
    assert (found.status, found.kind, found.code, found.label) == ("resolved", "departement", code, label)
    assert found.siren is None
    assert found.region == departement(code).region


@pytest.mark.parametrize(
    ("name", "code"),
    [("Région Bretagne", "53"), ("Conseil régional d'Occitanie", "76"), ("Conseil Régional Ile de France", "11"),
     ("Région Auvergne-Rhône-Alpes", "84"), ("Région Provence-Alpes-Côte d'Azur", "93"), ("Région Sud", "93"),
     ("Région Réunion", "04"), ("Collectivité territoriale de Corse", "94"), ("Région Centre", "24")],
)
def test_regions(name: str, code: str) -> None:
    found = resolve(name)
    assert (found.status, found.kind, found.code, found.label) == ("resolved", "region", code, region(code).name)


@pytest.mark.parametrize(
    ("name", "siren", "departement_code"),
    [("Métropole de Lyon", "200046977", "69"),
     ("Communauté d'agglomération Valence Romans Agglo", "200068781", "26"),
     ("Communauté d'Agglomération Valence Romans", "200068781", "26"),
     ("Valence Romans Agglo", "200068781", "26"), ("CA Valence Romans Agglo", "200068781", "26"),
     ("Bordeaux Métropole", "243300316", "33"), ("Métropole de Bordeaux", "243300316", "33"),
     ("Grenoble Alpes Métropole", "200040715", "38"), ("Tours Métropole Val de Loire", "243700754", "37"),
     ("Communauté urbaine de Dunkerque", "245900428", "59"), ("Grand Poitiers Communauté urbaine", "200069854", "86"),
     ("Le Havre Seine Métropole", "200084952", "76"),  # a communauté urbaine despite its name
     ("Communauté de communes de l'Est lyonnais", "246900575", "69"),
     ("Communauté de communes de l'Est Lyonnais (CCEL)", "246900575", "69"),
     ("Communauté d'agglomération Cap Atlantique", "244400610", "44"),
     ("Métropole du Grand Paris", "200054781", "75")],  # over six départements: its most populous member's
)
def test_intercommunalities(name: str, siren: str, departement_code: str) -> None:
    found = resolve(name)
    assert (found.status, found.kind, found.code, found.siren) == ("resolved", "intercommunalite", siren, siren)
    assert (found.departement, found.region) == (departement_code, departement(departement_code).region)


def test_an_intercommunality_is_labelled_with_its_type_spelt_out() -> None:
    found = resolve("Communauté d'agglomération Valence Romans")
    assert found.label == "Communauté d'agglomération Valence Romans Agglo"
    assert intercommunalite("200068781").name == "CA Valence Romans Agglo"
    assert "26281" in intercommunalite("200068781").members


@pytest.mark.parametrize(
    ("name", "code", "merged_into"),
    [("Annecy-le-Vieux", "74011", "74010"), ("Mairie de Pierrefitte-sur-Seine", "93059", "93066"),
     ("Bellegarde-sur-Valserine", "01033", "01033")],  # Valserhône kept the code of the commune it grew from
)
def test_a_merged_commune_keeps_its_code_and_names_its_new_commune(name: str, code: str, merged_into: str) -> None:
    found = resolve(name)
    assert (found.status, found.kind, found.code, found.merged_into) == ("resolved", "commune", code, merged_into)
    assert found.siren is None and found.departement == code[:2]


def test_a_name_of_several_communes_is_ambiguous() -> None:
    found = resolve("Saint-Denis")
    assert (found.status, found.code, found.kind) == ("ambiguous", None, None)
    assert found.candidates == ("11339", "30247", "93066", "97411")  # 93066's own commune déléguée counts once
    assert found.candidate_kinds == ("commune",) * 4


@pytest.mark.parametrize(
    ("name", "code"),
    [("Saint-Denis (93)", "93066"), ("Saint-Denis (Réunion)", "97411"), ("St-Denis (La Réunion)", "97411"),
     ("Ville de Saint-Denis (Seine-Saint-Denis)", "93066"), ("Saint-Denis (Aude)", "11339"),
     ("Saint-Denis (93066)", "93066"), ("Treffort (38)", "38513"), ("Treffort (01)", "01426")],
)
def test_a_qualifier_in_brackets_picks_one(name: str, code: str) -> None:
    assert (resolve(name).status, resolve(name).code) == ("resolved", code)


@pytest.mark.parametrize(
    ("name", "candidates"),
    [("Treffort", ("38513", "01426")),  # a commune, and a commune déléguée elsewhere
     ("Romans", ("01328", "79231")), ("Ville de Romans", ("01328", "79231")),
     ("Vienne", ("38544", "86")),  # a commune and a département
     ("Bretagne", ("36024", "90019", "53")),  # two communes and a région
     ("Mayotte", ("976", "06")), ("Ville Langy", ("03137", "58311")),
     ("Saint-Denis (Occitanie)", ("11339", "30247"))],  # the Aude's and the Gard's
)
def test_ambiguous_names(name: str, candidates: tuple[str, ...]) -> None:
    found = resolve(name)
    assert (found.status, found.candidates) == ("ambiguous", candidates)


@pytest.mark.parametrize(
    ("name", "kind", "code"),
    [("Paris", "commune", "75056"),  # the commune and the département are one collectivité
     ("Ville de Paris", "commune", "75056"), ("Ville de Vienne", "commune", "38544"),
     ("Département de la Vienne", "departement", "86"), ("Occitanie", "region", "76"),
     ("Ville-d'Avray", "commune", "92077"), ("Ville d'Avray", "commune", "92077"), ("Ville-Langy", "commune", "58311"),
     ("Château-Chinon (Ville)", "commune", "58062"), ("Ville du Havre", "commune", "76351"),
     ("Havre (Le)", "commune", "76351"), ("LE HAVRE", "commune", "76351"), ("Ste Foy lès Lyon", "commune", "69202"),
     ("St Étienne", "commune", "42218"), ("Saint-Étienne Métropole", "intercommunalite", "244200770")],
)
def test_bare_names_and_names_that_look_prefixed(name: str, kind: str, code: str) -> None:
    found = resolve(name)
    assert (found.status, found.kind, found.code) == ("resolved", kind, code)


@pytest.mark.parametrize(
    "name",
    ["Zzyzx-les-Bains", "", "  ", "()", "Agence française de développement", "Union européenne",
     "Ministère de l'Europe et des Affaires étrangères", "Région Rhône-Alpes",  # a région before 2016
     "Région du Centre", "Ville de Ouagadougou", "Valence (Espagne)", "Saint-Denis (Belgique)",
     "Saint-Denis (26)", "Romans-sur-Isère (Isère)", "Région", "Conseil départemental de Savoie du Nord"],
)
def test_unknown_names(name: str) -> None:
    assert resolve(name).status == "unknown"
    assert resolve(name).code is None


def test_resolutions_are_cached() -> None:
    assert resolve("Conseil général de l'Isère") is resolve("Conseil général de l'Isère")


def test_every_place_named_as_the_data_names_it_resolves_to_itself_or_stays_ambiguous() -> None:
    """Precision over the whole extract: a name never resolves to another place than the one the data gives it
    to, save a commune déléguée named like the commune it belongs to, which is that commune now."""
    ref = load()

    def differ(one: str, other: str) -> bool:  # "Cherré-Au" and its commune déléguée "Cherreau" do not
        return key(words(one)) != key(words(other))

    wrong = []
    places = [(c.name, c.code, c.merged_into) for c in [*ref.communes.values(), *ref.merged.values()]]
    places += [(f"Département de {d.name}", d.code, None) for d in ref.departements.values()]
    places += [(f"Région {r.name}", r.code, None) for r in ref.regions.values()]
    places += [(e.name, e.siren, None) for e in ref.epcis.values()]
    for name, code, merged_into in places:
        found = resolve(name)
        fine = code in found.candidates if found.status == "ambiguous" else found.code in (code, merged_into)
        moved = merged_into is not None and found.code == merged_into != code
        if not fine or moved and differ(ref.communes[merged_into].name, name):
            wrong.append((name, code, found.status, found.code))
    assert wrong == []
