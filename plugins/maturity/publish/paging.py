"""Long lists cut into pages of a fixed number of rows, so that no page grows with the number of assessments.

A list's first page keeps the list's own address; the others follow :func:`maturity.publish.urls.list_page_uri`.
The page navigation shows the first and last page and a few around the current one, so it stays bounded too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence, TypeVar

from maturity.publish import urls

T = TypeVar("T")
# Page numbers shown on each side of the current page; the rest collapse into "…".
AROUND = 2


@dataclass(frozen=True)
class Pager:
    """Where one page sits in its list: the templates draw the page navigation from it."""

    first: str  # src_uri of the list's first page
    number: int  # 1-based
    count: int  # pages in the list
    start: int  # index of the page's first row in the whole list
    total: int  # rows in the whole list
    rows: int  # rows on this page

    def uri(self, number: int) -> str:
        return urls.list_page_uri(self.first, number)

    @property
    def src_uri(self) -> str:
        return self.uri(self.number)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    def numbers(self) -> list[int | None]:
        """The page numbers to link, ``None`` where a run of pages is left out."""
        shown = sorted({1, self.count, *range(max(1, self.number - AROUND), min(self.count, self.number + AROUND) + 1)})
        out: list[int | None] = []
        for n in shown:
            if out and n - out[-1] > 1:  # type: ignore[operator]
                out.append(None)
            out.append(n)
        return out


def paginate(first: str, items: Sequence[T], size: int) -> Iterator[tuple[Pager, Sequence[T]]]:
    """Each page of ``items`` with its rows; an empty list still has its first page."""
    count = max(1, -(-len(items) // size))
    for number in range(1, count + 1):
        start = (number - 1) * size
        rows = items[start:start + size]
        yield Pager(first, number, count, start, len(items), len(rows)), rows
