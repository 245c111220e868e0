"""Table rows → record items: by column when the cells line up with the header (HTML), else split against the
code lists, longest match, for rows whose cells were joined by spaces or by pipes with empty cells left out.

>>> from atlas_ld.parse.log import WarningLog
>>> read_funding_row(Line(1, "Romans sur Isère 112285 0 2010"), None, WarningLog())
FundingLine(funder='Romans sur Isère', amount=Decimal('112285'), water_amount=Decimal('0'), year=2010)
>>> read_partner_row(Line(1, "El Jem Tunisie"), None, WarningLog())
ForeignPartner(name='El Jem', country='Tunisie')
"""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation

from atlas_ld.codelists import country_iso3
from atlas_ld.parse.emails import decode_email, is_valid_email, looks_like_email
from atlas_ld.parse.lines import Line
from atlas_ld.parse.log import WarningLog, shown
from atlas_ld.parse.themes import (
    fold,
    known_theme_path,
    parse_sdg_row,
    sdg_label_known,
    split_theme_path,
)
from atlas_ld.records import (
    Document,
    ForeignPartner,
    FundingLine,
    PartnerContact,
    SdgRow,
    ThemeRow,
    Volunteer,
)

Columns = tuple[str | None, ...]

_INTEGER = re.compile(r"[0-9]{1,9}")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
_NUMBER_NOISE = re.compile(r"[\s\u202f€]|EUR", re.IGNORECASE)
_FILE_NAME = re.compile(r".+\.[A-Za-z0-9]{1,5}")
_MAX_COUNTRY_WORDS = 6
_MAX_FILE_NAME_WORDS = 8


def integer(text: str | None) -> int | None:
    return int(text) if text and _INTEGER.fullmatch(text) else None


def year(text: str | None) -> int | None:
    return int(text) if text and _YEAR.fullmatch(text.strip()) else None


def decimal(text: str | None) -> Decimal | None:
    """An amount or a size as written ("25000", "394.63", "394,63", "25 000 €")."""
    if not text:
        return None
    cleaned = _NUMBER_NOISE.sub("", text)
    if not _NUMBER.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None


def _by_column(row: Line, columns: Columns | None) -> dict[str, str] | None:
    """Cells keyed by their column's field when the row has exactly the header's cells, else None."""
    if columns is None or row.cells is None or len(row.cells) != len(columns):
        return None
    fields: dict[str, str] = {}
    for column, cell in zip(columns, row.cells, strict=True):
        if column and cell and column not in fields:
            fields[column] = cell
    return fields


def _units(row: Line) -> list[str]:
    """What can be cut between: the cells when the rendering kept them, else the words."""
    return list(row.filled_cells) if row.cells is not None else row.text.split()


def _is_upper_name(unit: str) -> bool:
    return any(c.isalpha() for c in unit) and unit == unit.upper()


def read_theme_row(row: Line, columns: Columns | None, log: WarningLog) -> ThemeRow | None:
    fields = _by_column(row, columns)
    if fields is not None:
        levels = tuple(fields.get(k) for k in ("theme1", "theme2", "theme3"))
        unknown = tuple(known_theme_path(levels))
        path = tuple(level for level in levels if level)
        priority_text = fields.get("priority")
    else:
        units = _units(row)
        priority_text = units.pop() if units and _INTEGER.fullmatch(units[-1]) else None
        path, unknown = split_theme_path(units)
    for value in unknown:
        log.add(row.number, f"unknown theme {shown(value)} kept as written")
    if not path:
        log.add(row.number, f"theme row without a theme ignored: {shown(row.text)}")
        return None
    priority = integer(priority_text)
    if priority_text and priority is None:
        log.add(row.number, f"priority {shown(priority_text)} is not a number")
    return ThemeRow(path, priority)


def read_sdg_row(row: Line, log: WarningLog) -> SdgRow | None:
    parsed = parse_sdg_row(row.text)
    if parsed is None:
        log.add(row.number, f"ODD row not understood, ignored: {shown(row.text)}")
        return None
    number, label, priority = parsed
    if not sdg_label_known(number, label):
        log.add(row.number, f"ODD {number} {shown(label)} does not match the known goals; kept as written")
    return SdgRow(number, label, priority)


def split_country(units: list[str]) -> tuple[str, str | None]:
    """Name and country of a partner row: the longest run of final words that names a country."""
    for size in range(min(len(units) - 1, _MAX_COUNTRY_WORDS), 0, -1):
        country = " ".join(units[-size:])
        if country_iso3(country):
            return " ".join(units[:-size]), country
    return " ".join(units), None


def read_partner_row(row: Line, columns: Columns | None, log: WarningLog) -> ForeignPartner:
    fields = _by_column(row, columns)
    if fields is not None:
        name, country = fields.get("authority", ""), fields.get("country")
    else:
        name, country = split_country(_units(row))
    if country is None:
        log.add(row.number, f"no known country in the partner row {shown(row.text)}; kept whole as the name")
    elif country_iso3(country) is None:
        log.add(row.number, f"unknown country {shown(country)} kept as written")
    return ForeignPartner(name, country)


def read_french_partner_row(row: Line, columns: Columns | None) -> str:
    fields = _by_column(row, columns)
    return fields.get("name", row.text) if fields is not None else row.text


def _split_authority(units: list[str], authorities: list[str]) -> tuple[str | None, list[str]]:
    """The longest leading run of units that is one of the page's foreign partners."""
    known = {fold(a) for a in authorities}
    longest = max((len(a.split()) for a in authorities), default=0)  # bounds the work on a huge row
    for size in range(min(len(units) - 1, longest), 0, -1):
        if fold(" ".join(units[:size])) in known:
            return " ".join(units[:size]), units[size:]
    return None, units


def read_partner_contact_row(
    row: Line, columns: Columns | None, authorities: list[str], log: WarningLog
) -> PartnerContact:
    fields = _by_column(row, columns)
    if fields is not None:
        authority = fields.get("authority", "")
        family, given, function, email = (fields.get(k) for k in ("family_name", "given_name", "function", "email"))
    else:
        units = _units(row)
        email = units.pop() if len(units) > 1 and looks_like_email(units[-1]) else None
        found, rest = _split_authority(units, authorities)
        if found is None:
            first_upper = next((i for i, u in enumerate(units) if i and _is_upper_name(u)), 1)
            found, rest = " ".join(units[:first_upper]), units[first_upper:]
            log.add(row.number, f"contact's authority {shown(found)} is not among the foreign partners")
        authority = found
        upper = 0
        while upper < len(rest) and _is_upper_name(rest[upper]):
            upper += 1
        if upper == 0 and rest:
            log.add(row.number, "contact's family name not told apart (no name in capitals); first word taken")
            upper = 1
        family = " ".join(rest[:upper]) or None
        given = rest[upper] if upper < len(rest) else None
        function = " ".join(rest[upper + 1:]) or None
    if email:
        email = decode_email(email)
        if not is_valid_email(email):
            log.add(row.number, f"malformed e-mail address {shown(email)} kept as written")
    return PartnerContact(authority, family, given, function, email or None)


def read_funding_row(
    row: Line, columns: Columns | None, log: WarningLog, *, partners: Collection[str] = ()
) -> FundingLine | None:
    """ "Funder amount [1% Eau amount] year"; the funder can be any name, so numbers are taken from the end, unless
    they end the name of one of the page's `partners` ("Communauté de communes Val 81 145000 2014")."""
    fields = _by_column(row, columns)
    if fields is not None:
        funder = fields.get("funder", "")
        amount_text, water_text, year_text = fields.get("amount"), fields.get("water_amount"), fields.get("year")
    else:
        units = _units(row)
        year_text = units.pop() if len(units) > 1 and year(units[-1]) else None
        numbers: list[str] = []
        while len(units) > 1 and len(numbers) < 2 and decimal(units[-1]) is not None:
            numbers.insert(0, units.pop())
        for taken in range(len(numbers), 0, -1):
            if " ".join([*units, *numbers[:taken]]) in partners:
                units, numbers = [*units, *numbers[:taken]], numbers[taken:]
                break
        amount_text = numbers[0] if numbers else None
        water_text = numbers[1] if len(numbers) > 1 else None
        funder = " ".join(units)
    amount, water, when = decimal(amount_text), decimal(water_text), year(year_text)
    if not funder:
        log.add(row.number, f"funding row without a funder ignored: {shown(row.text)}")
        return None
    for what, text, value in (("amount", amount_text, amount), ("1% Eau amount", water_text, water)):
        if text and value is None:
            log.add(row.number, f"funding {what} {shown(text)} is not a number")
    if amount is None and not amount_text:
        log.add(row.number, f"funding row for {shown(funder)} without an amount")
    if when is None:
        log.add(row.number, f"funding row for {shown(funder)} without a year")
    return FundingLine(funder, amount, water, when)


def read_document_row(row: Line, columns: Columns | None, log: WarningLog) -> Document:
    """ "Title size file-name": the size is the last number followed by a file name."""
    fields = _by_column(row, columns)
    if fields is not None:
        title, size_text, file_name = fields.get("title", ""), fields.get("size_kb"), fields.get("file_name")
    else:
        units = _units(row)
        title, size_text, file_name = " ".join(units), None, None
        for index in range(len(units) - 2, max(0, len(units) - 2 - _MAX_FILE_NAME_WORDS), -1):
            rest = " ".join(units[index + 1:])
            if decimal(units[index]) is not None and _FILE_NAME.fullmatch(rest):
                title, size_text, file_name = " ".join(units[:index]), units[index], rest
                break
        else:
            log.add(row.number, f"document row not split into title, size and file name: {shown(row.text)}")
    size = decimal(size_text)
    if size_text and size is None:
        log.add(row.number, f"document size {shown(size_text)} is not a number")
    url = next((link for link in row.links or () if link), None)
    return Document(title, size, file_name or None, url)


def read_volunteer_row(row: Line, columns: Columns | None, log: WarningLog) -> Volunteer:
    """By column when possible; joined by spaces, only the names can be told apart (capitals, then one word)."""
    fields = _by_column(row, columns)
    if fields is not None:
        keys = ("family_name", "given_name", "mission", "field_of_action", "entity")
        return Volunteer(*(fields.get(k) for k in keys))
    units = _units(row)
    upper = 0
    while upper < len(units) and _is_upper_name(units[upper]):
        upper += 1
    family = " ".join(units[:upper]) or None
    given = units[upper] if upper < len(units) else None
    rest = " ".join(units[upper + 1:]) or None
    if rest:
        log.add(row.number, "volunteer's mission, field of action and entity not told apart; kept whole as the mission")
    return Volunteer(family, given, rest)
