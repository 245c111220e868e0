"""Name keys: one spelling for every way a place name is written on the Atlas (accents, case, hyphens,
apostrophes, spaces and the "St"/"Ste" abbreviations make no difference), so that the reference data and the
pages meet on equal terms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

ARTICLES = frozenset({"le", "la", "les", "l"})
# What may stand between a kind ("Ville", "Conseil départemental", "CC") and the name proper.
CONNECTORS = frozenset({"de", "du", "des", "d"}) | ARTICLES
# Words that say "intercommunality" inside an EPCI's own name ("Bordeaux Métropole", "Valence Romans Agglo").
EPCI_WORDS = frozenset({"metropole", "eurometropole", "agglo", "agglomeration"})

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_SUR = re.compile(r"(?<![^\W\d_])s/", re.IGNORECASE)  # "Romans s/ Isère"


def words(text: str) -> list[str]:
    """The lower-case ASCII words of `text`, with abbreviations spelt out.

    >>> words("ROMANS s/ ISERE")
    ['romans', 'sur', 'isere']
    >>> words("Ste-Foy-lès-Lyon, l’Œuvre")
    ['sainte', 'foy', 'les', 'lyon', 'l', 'oeuvre']
    """
    text = unicodedata.normalize("NFKD", _SUR.sub(" sur ", text.translate(_LIGATURES)).lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    found = (word.encode("ascii", "ignore").decode("ascii") for word in re.findall(r"[^\W_]+", text))
    return [_ABBREVIATIONS.get(word, word) for word in found if word]


def key(ws: Sequence[str]) -> str:
    """The words run together, so that "Saint Denis", "Saint-Denis" and "SaintDenis" are one key."""
    return "".join(ws)


def strip_leading(ws: Sequence[str], drop: frozenset[str] = CONNECTORS) -> list[str]:
    """`ws` without its leading articles or connectors ("de la Drôme" → "Drôme")."""
    ws = list(ws)
    while len(ws) > 1 and ws[0] in drop:
        ws = ws[1:]
    return ws


def name_key(ws: Sequence[str]) -> str:
    """The key of a département's or région's name, which the Atlas writes with or without its article
    ("La Réunion", "Réunion")."""
    return key(strip_leading(ws, ARTICLES))


def epci_core(ws: Sequence[str]) -> str:
    """The distinctive part of an intercommunality's name, without the words that say what it is: "CA Valence
    Romans Agglo" and "Communauté d'agglomération Valence Romans" meet on "valenceromans".

    >>> epci_core(words("Métropole d'Aix-Marseille-Provence"))
    'aixmarseilleprovence'
    >>> epci_core(words("Grenoble-Alpes-Métropole"))
    'grenoblealpes'
    """
    ws = strip_leading(ws)
    while len(ws) > 1 and ws[0] in EPCI_WORDS:
        ws = strip_leading(ws[1:])
    while len(ws) > 1 and ws[-1] in EPCI_WORDS:
        ws = ws[:-1]
    return key(ws)
