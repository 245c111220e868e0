"""Embassy post blocks: 'Contacts dans le poste diplomatique "X"', then per contact a role, a name, an e-mail.

The name line can be missing and the address can sit on the line after "Courriel :".
"""

from __future__ import annotations

import re
from functools import cache

from atlas_ld.codelists import CONTACT_ROLES
from atlas_ld.parse.emails import decode_email, is_valid_email, looks_like_email
from atlas_ld.parse.lines import Line
from atlas_ld.parse.log import WarningLog, shown
from atlas_ld.records import EmbassyPost, PostContact
from atlas_ld.uris import slugify

_AFTER_LABEL = re.compile(r"contacts\s+dans\s+le\s+poste\s+diplomatique\s*:?\s*(.*)", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“«„]\s*(.+?)\s*[\"”»“]")
_COURRIEL = re.compile(r"courriel\s*:?\s*(.*)", re.IGNORECASE)


@cache
def _roles() -> dict[str, str]:
    return {slugify(role): role for role in CONTACT_ROLES}


def post_name(label_text: str) -> str:
    """The post's name from its label line, without the quotes around it.

    >>> post_name('Contacts dans le poste diplomatique "AMBASSADE DE FRANCE A TUNIS"')
    'AMBASSADE DE FRANCE A TUNIS'
    """
    after = _AFTER_LABEL.match(label_text)
    rest = after.group(1) if after else label_text
    quoted = _QUOTED.search(rest)
    return (quoted.group(1) if quoted else rest.strip(" \"“”«»„")).strip()


def _set_email(contact: PostContact, text: str, line: int, log: WarningLog) -> None:
    contact.email = decode_email(text)
    contact.email_valid = is_valid_email(contact.email)
    if not contact.email_valid:
        log.add(line, f"malformed e-mail address {shown(contact.email)} kept as written")


def read_post(label: Line, lines: list[Line], log: WarningLog) -> EmbassyPost:
    """One post block; each contact starts with its role and ends with its "Courriel :" line."""
    post = EmbassyPost(post_name(label.text))
    if not post.name:
        log.add(label.number, "embassy post without a name")
    current: PostContact | None = None
    closed = True  # the current contact has had its e-mail line: the next line starts a new contact
    index = 0
    while index < len(lines):
        line = lines[index]
        courriel = _COURRIEL.fullmatch(line.text)
        if courriel:
            if current is None:
                log.add(line.number, "e-mail line with no contact role before it")
                current = PostContact(role="")
                post.contacts.append(current)
            value, where = courriel.group(1).strip(), line.number
            if not value and index + 1 < len(lines) and looks_like_email(lines[index + 1].text):
                index += 1
                value, where = lines[index].text, lines[index].number
            if value:
                _set_email(current, value, where, log)
            closed = True
        else:
            role = _roles().get(slugify(line.text))
            if role is not None or closed:
                if role is None:
                    log.add(line.number, f"unknown contact role {shown(line.text)} kept as written")
                current = PostContact(role=role or line.text)
                post.contacts.append(current)
                closed = False
            elif current is not None and current.name is None and current.email is None:
                current.name = line.text
            else:
                log.add(line.number, f"unexpected line in the post block ignored: {shown(line.text)}")
        index += 1
    return post
