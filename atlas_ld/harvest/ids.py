"""Which project ids to harvest: a spec such as `12523,15000-15100`, or a file of ids and ranges.

>>> spec = IdRanges.parse("12523, 15000-15002")
>>> list(spec), len(spec)
([12523, 15000, 15001, 15002], 4)
>>> IdRanges.parse("12-3")
Traceback (most recent call last):
...
atlas_ld.harvest.ids.IdSpecError: '12-3': a range goes up (12 > 3)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

_ITEM = re.compile(r"([0-9]{1,9})(?:\s*-\s*([0-9]{1,9}))?")


class IdSpecError(ValueError):
    """A spec or file of ids that cannot be read; says which part and why, for a usage error."""


@dataclass(frozen=True)
class IdRanges:
    """Inclusive ranges of ids, kept as ranges so that 2,750-16,323 costs two numbers, not thirteen thousand."""

    ranges: tuple[tuple[int, int], ...]

    @classmethod
    def parse(cls, spec: str) -> IdRanges:
        """Ids and ranges separated by commas."""
        return cls.from_items(spec.split(","), where="")

    @classmethod
    def read(cls, path: Path) -> IdRanges:
        """One id or range a line; blank lines and `#` comments are skipped."""
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise IdSpecError(f"cannot read {path}: {error}") from error
        items = [(n, line.split("#", 1)[0]) for n, line in enumerate(lines, start=1)]
        ranges = [cls._range(text, where=f"{path}:{n}: ") for n, text in items if text.strip()]
        if not ranges:
            raise IdSpecError(f"{path}: no id in the file")
        return cls(tuple(ranges))

    @classmethod
    def from_items(cls, items: Iterable[str], *, where: str) -> IdRanges:
        """Ranges from texts such as `12` or `12-30`; an empty list is an error, as a harvest of nothing is."""
        ranges = tuple(cls._range(item, where=where) for item in items)
        return cls(ranges)

    @staticmethod
    def _range(text: str, *, where: str) -> tuple[int, int]:
        found = _ITEM.fullmatch(text.strip())
        if found is None:
            raise IdSpecError(f"{where}{text.strip()!r}: not an id (12523) or a range of ids (2700-16500)")
        first = int(found.group(1))
        last = int(found.group(2) or first)
        if last < first:
            raise IdSpecError(f"{where}{text.strip()!r}: a range goes up ({first} > {last})")
        return first, last

    def __iter__(self) -> Iterator[int]:
        """The ids in order given, each range streamed, so that memory does not grow with the ranges' span."""
        for first, last in self.ranges:
            yield from range(first, last + 1)

    def __len__(self) -> int:
        return sum(last - first + 1 for first, last in self.ranges)

    def __contains__(self, prj_id: object) -> bool:
        return isinstance(prj_id, int) and any(first <= prj_id <= last for first, last in self.ranges)
