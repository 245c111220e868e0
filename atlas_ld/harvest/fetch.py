"""Asking the site politely: one request at a time, never faster than the rate or robots.txt's Crawl-delay, and
retries with exponential backoff that honour Retry-After; a body cut short is never handed on."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from urllib.parse import urljoin
from urllib.robotparser import RobotFileParser

from werkzeug.http import parse_date

from atlas_ld.harvest.warc import Exchange

MAX_TRIES = 4
"""Tries of one URL before it is reported as failed."""
MAX_WAIT = 600.0
"""Longest Retry-After obeyed, in seconds; a site asking for more is down for this run, and the id fails."""
_RETRIED = frozenset({429, 500, 502, 503, 504})


class FetchFailed(Exception):
    """A URL that gave no whole answer after every try; the message says why, for the summary."""


@dataclass
class Pace:
    """The one place that decides when the next request may start: `interval` seconds after the previous one
    started, and never before it ended, so that the rate is an upper bound whatever the site's speed."""

    interval: float
    sleep: Callable[[float], None] = time.sleep
    _next: float = 0.0

    def wait(self, at_least: float = 0.0) -> None:
        """Block until a request may start (and `at_least` seconds from now, for Retry-After and backoff)."""
        start = max(self._next, time.monotonic() + at_least)
        while (left := start - time.monotonic()) > 0:
            self.sleep(left)
        self._next = time.monotonic() + self.interval

    def slow_to(self, interval: float) -> None:
        """A longer interval (robots.txt's Crawl-delay) counts from the request already made, too."""
        if interval > self.interval:
            self._next += interval - self.interval
            self.interval = interval

    def done(self) -> None:
        """The request just ended: the next one waits for that too."""
        self._next = max(self._next, time.monotonic())


class _NoRedirectErrors(urllib.request.HTTPErrorProcessor):
    """Every status comes back as an answer, not an exception: 304, 404 and 503 are all data here."""

    def http_response(self, request: urllib.request.Request, response: http.client.HTTPResponse) -> object:
        return response

    https_response = http_response


class Fetcher:
    """Gets URLs for the crawler; `robots` answers whether a URL may be asked."""

    def __init__(self, *, user_agent: str, rate: float, timeout: float = 30.0, backoff: float = 1.0,
                 tries: int = MAX_TRIES) -> None:
        if rate <= 0:
            raise ValueError("the rate is requests per second, more than 0")
        self.user_agent = user_agent
        self.pace = Pace(1.0 / rate)
        self.timeout = timeout
        self.backoff = backoff
        self.tries = tries
        self._opener = urllib.request.build_opener(_NoRedirectErrors())
        self._robots: RobotFileParser | None = None

    def read_robots(self, site: str) -> None:
        """Fetch the site's robots.txt and obey it from now on: RFC 9309, a 4xx means no rule, and a site that
        cannot say (5xx, no answer) forbids everything, as the RFC asks."""
        parser = RobotFileParser()
        url = urljoin(site, "/robots.txt")
        try:
            answer = self.get(url)
        except FetchFailed:
            parser.disallow_all = True
        else:
            if 200 <= answer.status < 300:
                parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
            elif answer.status >= 500:
                parser.disallow_all = True
            else:
                parser.allow_all = True
        self._robots = parser
        delay = parser.crawl_delay(self.user_agent)
        if delay is not None:
            self.pace.slow_to(float(delay))

    def allowed(self, url: str) -> bool:
        return self._robots is None or self._robots.can_fetch(self.user_agent, url)

    def get(self, url: str, headers: dict[str, str] | None = None) -> Exchange:
        """A whole answer to GET `url` (any status but those retried); raises FetchFailed with the last reason."""
        reason = "no try"
        wait = 0.0
        for attempt in range(self.tries):
            self.pace.wait(wait)
            try:
                answer = self._once(url, headers or {})
            except (OSError, http.client.HTTPException) as error:
                reason = _why(error)
                retry_after = None
            else:
                if answer.status not in _RETRIED:
                    return answer
                reason = f"HTTP {answer.status} {answer.reason}".strip()
                retry_after = retry_after_seconds(header(answer.headers, "Retry-After"))
            finally:
                self.pace.done()
            if retry_after is not None and retry_after > MAX_WAIT:
                raise FetchFailed(f"{reason}, asked to wait {retry_after:.0f} s")
            wait = max(retry_after or 0.0, self.backoff * 2**attempt)
        raise FetchFailed(f"{reason} ({self.tries} tries)")

    def _once(self, url: str, headers: dict[str, str]) -> Exchange:
        request_headers = {"User-Agent": self.user_agent, "Accept-Encoding": "identity", **headers}
        request = urllib.request.Request(url, headers=request_headers)
        with self._opener.open(request, timeout=self.timeout) as response:
            body = response.read()
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and len(body) < int(length):
                raise http.client.IncompleteRead(body, int(length) - len(body))
            return Exchange(
                url=url,
                request_headers=[("Host", request.host), *request_headers.items()],
                status=response.status,
                reason=response.reason or "",
                headers=_pairs(response.headers),
                body=body,
                fetched_at=datetime.now(UTC),
            )


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds that a Retry-After header asks for: a number of seconds, or an HTTP date.

    >>> retry_after_seconds("2"), retry_after_seconds(None), retry_after_seconds("Thu, 01 Jan 1970 00:00:00 GMT")
    (2.0, None, 0.0)
    """
    if value is None or not value.strip():
        return None
    if value.strip().isdigit():
        return float(value.strip())
    when = parse_date(value)
    if when is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    """The first value of header `name` (case does not matter)."""
    return next((value for key, value in headers if key.lower() == name.lower()), None)


def _pairs(message: Message) -> list[tuple[str, str]]:
    return [(str(name), str(value)) for name, value in message.items()]


def _why(error: BaseException) -> str:
    """A short reason for the summary."""
    if isinstance(error, http.client.IncompleteRead):
        return f"body cut short ({len(error.partial)} bytes, {error.expected} more expected)"
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(error, urllib.error.URLError):
        return f"cannot connect: {error.reason}"
    return f"{type(error).__name__}: {error}"
