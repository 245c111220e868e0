"""Why a SPARQL operation could not be answered: the package's own errors, one class per reason, each with the
sentence its client reads. `atlas_ld.web.errors` maps them to HTTP statuses; the query workers send them down
their pipe as they are (each error pickles with its message alone).

>>> error = not_acceptable(["text/turtle", "application/ld+json"])
>>> type(error).__name__, str(error)
('NotAcceptable', 'None of the requested media types can be served; available: text/turtle, application/ld+json.')
"""

from __future__ import annotations

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
