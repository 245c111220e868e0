"""Plain records read off an Atlas page: what the parser produces and the mapping consumes (no RDF here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True)
class ParseWarning:
    """Something odd on a page that did not stop the parse; `line` is 1-based in the page's line stream."""

    line: int | None
    message: str


@dataclass
class PostContact:
    """A person listed in an embassy post block (role, then name, then e-mail)."""

    role: str
    name: str | None = None
    email: str | None = None  # "[at]" decoded; kept as written when malformed
    email_valid: bool = True


@dataclass
class EmbassyPost:
    """A block 'Contacts dans le poste diplomatique "<name>"'."""

    name: str
    contacts: list[PostContact] = field(default_factory=list)


@dataclass(frozen=True)
class ThemeRow:
    """One row of "Autres thématiques": a 1..3-level theme path and its priority."""

    path: tuple[str, ...]
    priority: int | None


@dataclass(frozen=True)
class SdgRow:
    """One row of the ODD table (newer template): goal number, label as written, priority."""

    number: int
    label: str
    priority: int | None


@dataclass(frozen=True)
class ForeignPartner:
    """A foreign partner authority and its country as written on the page (French name)."""

    name: str
    country: str | None


@dataclass(frozen=True)
class PartnerContact:
    """A contact in a foreign partner authority."""

    authority: str
    family_name: str | None = None
    given_name: str | None = None
    function: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class FundingLine:
    """One row of the funding table; `water_amount` is None when the page gives no "1% Eau" amount."""

    funder: str
    amount: Decimal | None
    water_amount: Decimal | None
    year: int | None


@dataclass(frozen=True)
class Volunteer:
    family_name: str | None = None
    given_name: str | None = None
    mission: str | None = None
    field_of_action: str | None = None
    entity: str | None = None


@dataclass(frozen=True)
class Document:
    title: str
    size_kb: Decimal | None
    file_name: str | None
    url: str | None = None  # where the site serves it, as its HTML page links it (text pages do not say)


@dataclass
class ProjectRecord:
    """Everything one Atlas detail page says about one project.

    Long texts are tuples of paragraphs. A field the page leaves empty is None (or an empty list).
    """

    prj_id: int
    source_file: str
    source_url: str
    template: Literal["2015", "2022"]
    title: str | None = None
    signature_year: int | None = None
    theme: tuple[str | None, str | None, str | None] = (None, None, None)
    other_themes: list[ThemeRow] = field(default_factory=list)
    sdgs: list[SdgRow] = field(default_factory=list)
    start_year: int | None = None
    status: str | None = None
    end_date: dt.date | None = None
    context: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    context_and_history: tuple[str, ...] = ()  # newer template merges the two
    objective: tuple[str, ...] = ()
    description: tuple[str, ...] = ()
    partnership_form: str | None = None
    project_managers: tuple[str, ...] = ()  # maître(s) d'œuvre
    contracting_authorities: tuple[str, ...] = ()  # maître(s) d'ouvrage
    beneficiaries: tuple[str, ...] = ()
    posts: list[EmbassyPost] = field(default_factory=list)
    foreign_partners: list[ForeignPartner] = field(default_factory=list)
    partner_contacts: list[PartnerContact] = field(default_factory=list)
    french_partners: list[str] = field(default_factory=list)
    triennial: bool = False
    funding: list[FundingLine] = field(default_factory=list)
    communication_in_france: bool = False
    communication_in_partner_countries: bool = False
    evaluation: bool = False
    volunteers: list[Volunteer] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    footer_year: int | None = None
    complete: bool = True  # False when the page was cut short
    fetched_at: dt.datetime | None = None  # when the page was fetched from the site, if it was
    # Line of each French partner's and funder's name, for warnings; where a name is, not what the page says.
    name_lines: dict[str, int] = field(default_factory=dict, compare=False)
    warnings: list[ParseWarning] = field(default_factory=list)

    def without_persons(self) -> ProjectRecord:
        """The record with no person in it: the posts without their staff, no partner contacts, no volunteers.

        Officials' names and e-mails are public on the Atlas, but a publisher may have to withhold them.
        """
        posts = [EmbassyPost(post.name) for post in self.posts]
        return replace(self, posts=posts, partner_contacts=[], volunteers=[])


class PageError(Exception):
    """A page that cannot give a record at all; names the file and, where known, the line."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")
