"""Why a SPARQL operation could not be answered: the package's own errors, one class per reason, each with the
sentence its client reads. `atlas_ld.web.errors` maps them to HTTP statuses; the query workers send them down
their socket as they are (each error pickles with its message alone).

>>> error = not_acceptable(["text/turtle", "application/ld+json"])
>>> type(error).__name__, str(error)
('NotAcceptable', 'None of the requested media types can be served; available: text/turtle, application/ld+json.')
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class QueryError(Exception):
    """An operation that got no answer; the message is the whole of what its client is told."""

    retry_after: int | None = None
    """Seconds after which asking again may succeed, when it may."""
    client_fault = False
    """Whether the request itself is wrong (asked again unchanged, it fails the same way), not the server."""


class BadQuery(QueryError):
    """The text, its dataset or its parameters are wrong: the client must change them."""

    client_fault = True


class ServiceRefused(QueryError):
    """A SERVICE call to an endpoint that is not on the allow-list."""

    client_fault = True


class NotAcceptable(QueryError):
    """None of the media types the client accepts fits the answer."""

    client_fault = True


class QueryTimedOut(QueryError):
    """The query ran past the deadline and was stopped."""


class WorkersBusy(QueryError):
    """No worker became free before the deadline."""

    retry_after = 5


class StoreUnreadable(QueryError):
    """The store could not be read just now (its files moving under a writer)."""

    retry_after = 1


class WorkerLost(QueryError):
    """The process running the query stopped before it answered."""


class QueryFailed(QueryError):
    """The store failed while answering: the engine's own error, told rather than hidden."""


def bad_query(message: str) -> BadQuery:
    return BadQuery(message)


_POSITION = re.compile(r"^error at (\d+):(\d+): ?")
_CHARACTER_CLASS = re.compile(r"\[(?:'[^\]]*|_)\]")


def syntax_error(text: str, error: Exception) -> BadQuery:
    r"""The engine's syntax error told as a person reads it: where (line, column, the line with a caret under the
    spot) and a sentence, rather than the parser's list of every character class it could have read there.

    >>> print(syntax_error("SELECT * WHERE {\n  ?s foo:bar ?o }", SyntaxError("error at 2:13: Prefix not found")))
    Syntax error at line 2, column 6: the prefix foo: is not declared; add PREFIX foo: <...> before the query.
    <BLANKLINE>
      2 |   ?s foo:bar ?o }
        |      ^
    """
    message = str(error)
    found = _POSITION.match(message)
    if not found:  # not the engine's position format (a remote store's message, a graph parameter): as it is
        return BadQuery(message)
    line, column, detail = int(found[1]), int(found[2]), message[found.end() :]
    lines = text.splitlines() or [""]
    source = lines[line - 1] if line <= len(lines) else ""
    expected = _expected(detail)
    if "Prefix not found" in detail:
        # The engine points just after the prefixed name: point at its start and name the prefix.
        name = re.search(r"([\w.-]*):[\w.%:-]*$", source[: column - 1])
        prefix = name[1] if name else ""
        column = name.start() + 1 if name else column
        sentence = f"the prefix {prefix}: is not declared; add PREFIX {prefix}: <...> before the query."
    elif "}" in expected and not "".join(lines[line:]).strip() and not source[column - 1 :].strip():
        sentence = "the query ends before it is complete: a closing brace may be missing."
    elif expected and len(expected) <= 8:
        sentence = f"the query cannot go on like this; expected {', '.join(expected[:-1])} or {expected[-1]}."
        sentence = sentence.replace("expected  or ", "expected ")
    else:
        sentence = "the query cannot go on like this: check the spelling of keywords and the punctuation."
    if line > len(lines) + 1 or column > len(source) + 1:
        # A position past the text: the engine read another text (a remote store's, rewritten): no caret.
        return BadQuery(f"Syntax error at line {line}: {sentence}")
    gutter = f"{line:>3} | "
    caret = " " * (len(gutter) - 2) + "| " + " " * max(column - 1, 0) + "^"
    return BadQuery(f"Syntax error at line {line}, column {column}: {sentence}\n\n{gutter}{source}\n{caret}")


def _expected(detail: str) -> list[str]:
    """The tokens a parser's "expected one of ..." names, without its character classes."""
    listed = _CHARACTER_CLASS.sub("", detail.removeprefix("expected one of ").removeprefix("expected "))
    tokens = (token.strip() for token in listed.split(", "))
    return [_unquoted(t) for t in tokens if t and t != "Prefix not found"]


def _unquoted(token: str) -> str:
    if len(token) > 1 and token[0] == token[-1] == '"':
        return token[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return token


def service_refused(endpoint: str | None) -> ServiceRefused:
    named = f"<{endpoint}>" if endpoint else "an endpoint given by a variable or an unresolved name"
    return ServiceRefused(
        f"SERVICE {named} is refused: this server makes no request on a query's behalf "
        "unless the endpoint is on its allow-list."
    )


def not_acceptable(available: Iterable[str]) -> NotAcceptable:
    return NotAcceptable(f"None of the requested media types can be served; available: {', '.join(available)}.")


def query_timed_out(seconds: float) -> QueryTimedOut:
    return QueryTimedOut(
        f"The query was stopped: it ran past this server's limit of {seconds:g} s. Narrow it down (more specific "
        "patterns, a LIMIT, fewer OPTIONALs) or work on the dumps at /dumps/."
    )


def workers_busy(seconds: float) -> WorkersBusy:
    return WorkersBusy(
        f"Every query worker stayed busy for {seconds:g} s, this server's time limit for a query: try again shortly."
    )


def store_unreadable(reason: str) -> StoreUnreadable:
    return StoreUnreadable(f"The store could not be read just now ({reason}): try again.")


def worker_lost(reason: str) -> WorkerLost:
    return WorkerLost(f"The process running the query stopped ({reason}); it has been replaced: try again.")


def query_failed(message: str) -> QueryFailed:
    return QueryFailed(message)
