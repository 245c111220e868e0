"""Literals in the canonical form Oxigraph gives back (what is mapped is what is stored), and stable keys."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from pyoxigraph import Literal

from atlas_ld.uris import slugify
from atlas_ld.vocab import XSD

TRUE = Literal("true", datatype=XSD.boolean)
FALSE = Literal("false", datatype=XSD.boolean)


def year(value: int) -> Literal:
    """An xsd:gYear, four digits at least.

    >>> year(987).value
    '0987'
    """
    return Literal(f"{value:04d}" if value >= 0 else str(value), datatype=XSD.gYear)


def decimal(value: Decimal) -> Literal:
    """
    >>> decimal(Decimal("394.630")).value, decimal(Decimal("25000.00")).value, decimal(Decimal("2.5E+4")).value
    ('394.63', '25000', '25000')
    """
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal("0" if text in ("", "-0") else text, datatype=XSD.decimal)


@lru_cache(maxsize=16)  # one ingest stamps every graph with the same time
def date_time(value: datetime) -> Literal:
    """
    >>> from datetime import timedelta, timezone
    >>> date_time(datetime(2024, 5, 1, 12, 0, 0, 100000, tzinfo=timezone.utc)).value
    '2024-05-01T12:00:00.1Z'
    >>> date_time(datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))).value
    '2024-05-01T12:00:00+02:00'
    """
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset()
    if offset is not None:
        zone = value.strftime("%z")
        text += "Z" if not offset else f"{zone[:3]}:{zone[3:5]}"
    return Literal(text, datatype=XSD.dateTime)


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def ranks(keys: list[str]) -> list[int]:
    """1 for the first row with a key, 2 for the second...: two rows with the same key stay two resources.

    >>> ranks(["Dakar", "Thiès", "dakar"])
    [1, 1, 2]
    """
    seen: Counter[str] = Counter()
    found = []
    for key in keys:
        seen[slugify(key)] += 1
        found.append(seen[slugify(key)])
    return found


def unique(keys: list[str]) -> list[str]:
    """Keys made unique by their rank, the first one unchanged.

    >>> unique(["contact", "contact"])
    ['contact', 'contact 2']
    """
    return [key if rank == 1 else f"{key} {rank}" for key, rank in zip(keys, ranks(keys))]
