"""A page's warnings, collected with a cap so that a pathological page cannot flood memory or the report."""

from __future__ import annotations

from atlas_ld.records import ParseWarning

MAX_WARNINGS = 100


class WarningLog:
    """Collects `ParseWarning`s for one page; past `limit`, only counts them and says so once at the end."""

    def __init__(self, limit: int = MAX_WARNINGS) -> None:
        self.limit = limit
        self._warnings: list[ParseWarning] = []
        self._dropped = 0
        self._last_line: int | None = None

    def add(self, line: int | None, message: str) -> None:
        if len(self._warnings) < self.limit:
            self._warnings.append(ParseWarning(line, message))
        else:
            self._dropped += 1
            self._last_line = line

    def extend(self, warnings: list[ParseWarning] | tuple[ParseWarning, ...]) -> None:
        for warning in warnings:
            self.add(warning.line, warning.message)

    def result(self) -> list[ParseWarning]:
        if not self._dropped:
            return list(self._warnings)
        note = ParseWarning(self._last_line, f"{self._dropped} more warnings not listed")
        return [*self._warnings, note]


def shown(value: str, limit: int = 80) -> str:
    """A value quoted for a warning, cut short so that a huge value cannot make a huge message.

    >>> shown("El Jem"), shown("x" * 100, 5)
    ("'El Jem'", "'xxxxx…'")
    """
    return repr(value if len(value) <= limit else value[:limit] + "…")
