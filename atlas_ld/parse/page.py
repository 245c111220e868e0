"""The label-driven page reader: logical lines → sections (a label and the lines up to the next) → record.

An empty value is simply absent on the page, so a label may be followed directly by the next one; headings
printed twice are read once; a page with no footer was cut short and keeps what was read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from atlas_ld.codelists import PARTNERSHIP_FORMS, STATUSES
from atlas_ld.parse.labels import Kind, Label, column_fields, is_header, match_label
from atlas_ld.parse.lines import Line
from atlas_ld.parse.log import WarningLog, shown
from atlas_ld.parse.posts import read_post
from atlas_ld.parse.tables import (
    Columns,
    read_document_row,
    read_french_partner_row,
    read_funding_row,
    read_partner_contact_row,
    read_partner_row,
    read_sdg_row,
    read_theme_row,
    read_volunteer_row,
    year,
)
from atlas_ld.parse.themes import known_theme_path
from atlas_ld.records import PageError, ProjectRecord

_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_FOOTER_YEAR = re.compile(r"\b(?:19|20)[0-9]{2}\b")
_MULTI_VALUED = (Kind.POST, Kind.TABLE, Kind.FLAG, Kind.HEADING)
_FIELDS = (Kind.VALUE, Kind.TEXT, Kind.TABLE, Kind.FLAG, Kind.POST)


@dataclass
class Section:
    """A label, the line it stands on, and the lines up to the next label."""

    label: Label
    line: Line
    values: list[Line] = field(default_factory=list)


def split_sections(lines: list[Line], log: WarningLog) -> list[Section]:
    sections: list[Section] = []
    preamble_reported = False
    for line in lines:
        label = match_label(line.text) if len(line.filled_cells) < 2 else None
        if label is None:
            if sections:
                sections[-1].values.append(line)
            elif not preamble_reported:
                log.add(line.number, "text before the first label ignored")
                preamble_reported = True
            continue
        last = sections[-1] if sections else None
        same = last is not None and last.label is label and (label.kind is not Kind.POST or last.line.text == line.text)
        if same and last is not None and not last.values:
            continue  # the same heading printed twice (heading, then caption)
        sections.append(Section(label, line))
    return sections


def _joined(section: Section) -> str | None:
    return " ".join(line.text for line in section.values) or None


class _RecordBuilder:
    """Fills one record from its sections; one method per kind of label."""

    def __init__(self, record: ProjectRecord, log: WarningLog) -> None:
        self.record = record
        self.log = log
        self.seen: set[str] = set()
        self.theme: list[str | None] = [None, None, None]
        self.theme_lines: list[int | None] = [None, None, None]

    def add(self, section: Section) -> None:
        label = section.label
        if label.kind not in _MULTI_VALUED and label.key in self.seen:
            self.log.add(section.line.number, f"label {label.text!r} repeated; the first value is kept")
            return
        # A label with nothing after it has no value yet: a later one with a value is the first value.
        if section.values or label.kind in (Kind.FLAG, Kind.FOOTER):
            self.seen.add(label.key)
        if label.kind is Kind.VALUE:
            self._value(section)
        elif label.kind is Kind.TEXT:
            setattr(self.record, label.key, tuple(line.text for line in section.values))
        elif label.kind is Kind.TABLE:
            self._table(section)
        elif label.kind is Kind.FLAG:
            setattr(self.record, label.key, True)
            self._nothing_expected(section)
        elif label.kind is Kind.POST:
            self.record.posts.append(read_post(section.line, section.values, self.log))
        elif label.kind is Kind.FOOTER:
            years = _FOOTER_YEAR.findall(section.line.text)
            self.record.footer_year = int(years[-1]) if years else None
            self._nothing_expected(section)
        else:
            self._nothing_expected(section)

    def _nothing_expected(self, section: Section) -> None:
        if section.values:
            self.log.add(section.values[0].number, f"text after {section.label.text!r} ignored")

    def _value(self, section: Section) -> None:
        key, value, number = section.label.key, _joined(section), section.line.number
        if value is None:
            return
        if key in ("signature_year", "start_year"):
            setattr(self.record, key, year(value))
            if getattr(self.record, key) is None:
                self.log.add(number, f"{section.label.text!r}: {shown(value)} is not a year")
        elif key == "end_date":
            self.record.end_date = self._date(value, number)
        elif key.startswith("theme"):
            level = int(key[-1]) - 1
            self.theme[level], self.theme_lines[level] = value, section.values[0].number
        else:
            setattr(self.record, key, value)
            known = {"status": STATUSES, "partnership_form": PARTNERSHIP_FORMS}.get(key)
            if known is not None and value not in known:
                self.log.add(number, f"unknown {section.label.text!r} value {shown(value)} kept as written")

    def _date(self, value: str, number: int) -> dt.date | None:
        found = _DATE.fullmatch(value.strip())
        try:
            if found:
                return dt.date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        except ValueError:
            pass
        self.log.add(number, f"end date {shown(value)} is not a dd/mm/yyyy date")
        return None

    def _table(self, section: Section) -> None:
        key, rows, columns = section.label.key, section.values, None
        if rows and is_header(key, rows[0].text):
            columns = column_fields(rows[0].cells) if rows[0].cells is not None else None
            rows = rows[1:]
        for row in rows:
            if not is_header(key, row.text):
                self._row(key, row, columns)

    def _row(self, key: str, row: Line, columns: Columns | None) -> None:
        record, log = self.record, self.log
        if key == "other_themes":
            theme_row = read_theme_row(row, columns, log)
            if theme_row is not None:
                record.other_themes.append(theme_row)
        elif key == "sdgs":
            sdg = read_sdg_row(row, log)
            if sdg is not None:
                record.sdgs.append(sdg)
        elif key == "foreign_partners":
            record.foreign_partners.append(read_partner_row(row, columns, log))
        elif key == "partner_contacts":
            names = [partner.name for partner in record.foreign_partners]
            record.partner_contacts.append(read_partner_contact_row(row, columns, names, log))
        elif key == "french_partners":
            record.french_partners.append(read_french_partner_row(row, columns))
            record.name_lines.setdefault(record.french_partners[-1], row.number)
        elif key == "funding":
            partners = {*record.french_partners, *(partner.name for partner in record.foreign_partners)}
            line = read_funding_row(row, columns, log, partners=partners)
            if line is not None:
                record.funding.append(line)
                record.name_lines.setdefault(line.funder, row.number)
        elif key == "volunteers":
            record.volunteers.append(read_volunteer_row(row, columns, log))
        elif key == "documents":
            record.documents.append(read_document_row(row, columns, log))

    def finish(self, sections: list[Section], last_line: int) -> None:
        self.record.theme = (self.theme[0], self.theme[1], self.theme[2])
        for value in known_theme_path(self.record.theme):
            self.log.add(self.theme_lines[self.theme.index(value)], f"unknown theme {shown(value)} kept as written")
        newer = any(s.label.newer or (s.label.key == "status" and s.line.text.endswith(":")) for s in sections)
        self.record.template = "2022" if newer else "2015"
        if not any(s.label.kind is Kind.FOOTER for s in sections):
            self.record.complete = False
            what = sections[-1].label.text
            message = f"page cut short (no footer); the last field read, {shown(what)}, may be incomplete"
            self.log.add(last_line, message)


def not_an_atlas_page(source_file: str, lines: list[Line]) -> PageError:
    line = lines[0].number if lines else 1
    return PageError(source_file, "not an Atlas detail page: none of its field labels found", line)


def has_field_labels(lines: list[Line]) -> bool:
    """Whether any line is a label that carries a field (headings alone do not make an Atlas page)."""
    return any(len(line.filled_cells) < 2 and (label := match_label(line.text)) is not None and label.kind in _FIELDS
               for line in lines)


def read_record(lines: list[Line], *, prj_id: int, source_file: str, source_url: str, log: WarningLog) -> ProjectRecord:
    """Read a page's logical lines into a record; a page with no field label at all is a `PageError`."""
    sections = split_sections(lines, log)
    if not any(s.label.kind in _FIELDS for s in sections):
        raise not_an_atlas_page(source_file, lines)
    record = ProjectRecord(prj_id=prj_id, source_file=source_file, source_url=source_url, template="2015")
    builder = _RecordBuilder(record, log)
    for section in sections:
        builder.add(section)
    builder.finish(sections, lines[-1].number)
    record.warnings = log.result()
    return record
