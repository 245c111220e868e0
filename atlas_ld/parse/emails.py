"""E-mail addresses as the Atlas writes them: "[at]" for "@", and real typos that must be kept, not fixed.

>>> decode_email("pierre-yves.sonalet[at]diplomatie.gouv.fr")
'pierre-yves.sonalet@diplomatie.gouv.fr'
>>> is_valid_email("gregor.trumel@diplomatie.gouv..fr"), is_valid_email("ali.eljem@yahoo.fr")
(False, True)
"""

from __future__ import annotations

import re

# What is published as a mailto: IRI; anything else is kept as written (atlas:malformedEmail) with a warning.
# The SHACL shapes check foaf:mbox against this same pattern, so it keeps to the XML Schema regex dialect that
# sh:pattern uses (no non-capturing groups). One rule for the parser's warnings and the mapping's choice: an
# address that is not warned about is published, and one that is warned about is not.
EMAIL_PATTERN = r"[A-Za-z0-9._+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
MAX_LENGTH = 254  # RFC 5321's limit on a forward path, less its angle brackets

# Bounded spaces: an unbounded \s* before the bracket makes a long run of spaces quadratic.
_AT = re.compile(r"\s{0,3}[\[(]\s{0,3}at\s{0,3}[\])]\s{0,3}", re.IGNORECASE)
_ADDRESS = re.compile(EMAIL_PATTERN)
_LOOKS_LIKE = re.compile(r"\S+(?:@|\[at\]|\(at\))\S*", re.IGNORECASE)


def decode_email(text: str) -> str:
    """Replace the page's "[at]" by "@"; leave everything else as written."""
    return _AT.sub("@", text.strip())


def is_valid_email(address: str) -> bool:
    """Whether an address can be published as a mailto: IRI: a plain address with a dotted domain, enough to catch
    the typos seen ("gouv..fr", "@", spaces) and to keep what is published to what the shapes accept.

    >>> is_valid_email("o'brien@example.ie"), is_valid_email("rbernard.jean@diplomatie")
    (True, False)
    """
    return len(address) <= MAX_LENGTH and _ADDRESS.fullmatch(address) is not None


def looks_like_email(text: str) -> bool:
    """A single token holding an "@" or "[at]": tells an address from a name or a role on the next line."""
    return _LOOKS_LIKE.fullmatch(text.strip()) is not None
