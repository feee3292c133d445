"""Small-count suppression («prikking») of tallies before they leave kt.

Pure: counts in, the same counts with the suppressed ones marked out. No I/O.

**Primary rule.** A count from 1 to `threshold − 1` (1–4 with NAV's usual threshold 5) could
point to a person someone knows, so it is hidden: shown as «<5», its share not shown. Zero is
never hidden (an empty category tells nothing about anyone), nor is a count at or above the
threshold.

**Secondary rule.** A hidden count is no use if it can be worked out from the numbers still
shown. Counts that add up to a published total form a *group* (the answers to one question add
up to the number asked, the offices of a fylke add up to the fylke, and so on). For every group,
kt works out what a reader can know about each hidden cell in it, the total included: a primary
cell lies between 1 and threshold − 1, a secondarily hidden cell is at least the threshold (it
was shown before, and shown counts are 0 or ≥ threshold), and the group adds up. If that pins
any hidden cell to a single value (which always happens when exactly one cell of a group is
hidden), the smallest shown non-zero part of the group is hidden as well, marked secondary; when
no such part is left, the group's total is hidden. Groups are rechecked, rows and columns alike,
until nothing changes.

This is first done one group at a time, as statistics offices do by hand; then all groups are
checked together by narrowing every hidden cell's range group by group until nothing narrows
more, so that a cell pinned only by combining a row with a column (or one table with another)
is protected the same way. Interval narrowing is not a full integer search, so a contrived table
could still leak; and a table whose every non-zero cell is already hidden can give nothing more
(say four persons spread one by one over a 2×2 table with every total under 5).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import inf

DEFAULT_THRESHOLD = 5
PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass(frozen=True)
class Group:
    """Cells (`parts`) that add up to another cell (`total`): a row or column with its sum."""

    total: Hashable
    parts: tuple[Hashable, ...]


@dataclass(frozen=True)
class Cell:
    """One count after suppression: `shown` is None when hidden, and `mark` says why."""

    value: int
    mark: str | None = None  # None (shown), PRIMARY or SECONDARY

    @property
    def shown(self) -> int | None:
        return None if self.mark else self.value

    @property
    def hidden(self) -> bool:
        return self.mark is not None


def is_small(value: int, threshold: int) -> bool:
    """The primary rule: 1 ≤ value < threshold."""
    return 0 < value < threshold


def suppress(cells: Mapping[Hashable, int], groups: Iterable[Group],
             threshold: int = DEFAULT_THRESHOLD) -> dict[Hashable, str | None]:
    """Mark every cell: None (shown), PRIMARY (a small count) or SECONDARY (hidden to protect one).

    `cells` maps any hashable key to a count; every key named in `groups` must be in `cells`, and
    each group's parts must add up to its total (a ValueError says which group does not).
    """
    groups = list(groups)
    for group in groups:
        missing = [k for k in (group.total, *group.parts) if k not in cells]
        if missing:
            raise ValueError(f"suppression group refers to unknown cells: {missing!r}")
        if sum(cells[k] for k in group.parts) != cells[group.total]:
            raise ValueError(f"suppression group does not add up: {group.total!r}")
    marks: dict[Hashable, str | None] = {
        key: PRIMARY if is_small(value, threshold) else None for key, value in cells.items()}
    beyond_help: set[Hashable] = set()
    while True:
        _suppress_line_by_line(cells, groups, marks, threshold)
        # then all groups together: a cell pinned only by combining several groups
        pinned = [k for k in _pinned(cells, groups, marks, threshold) if k not in beyond_help]
        if not pinned:
            return marks
        for key in pinned:
            if any(_hide_one_more(g, cells, marks) for g in groups if key == g.total or key in g.parts):
                break
            beyond_help.add(key)  # everything around it is hidden or zero already


def _suppress_line_by_line(cells: Mapping[Hashable, int], groups: list[Group], marks: dict[Hashable, str | None],
                           threshold: int) -> None:
    changed = True
    while changed:
        changed = False
        for group in groups:
            if _disclosed(group, cells, marks, threshold) and _hide_one_more(group, cells, marks):
                changed = True


def _bounds(mark: str | None, threshold: int) -> tuple[float, float]:
    """What a reader knows about a hidden cell from how it is shown."""
    return (1, threshold - 1) if mark == PRIMARY else (threshold, inf)


def _disclosed(group: Group, cells: Mapping[Hashable, int], marks: Mapping[Hashable, str | None],
               threshold: int) -> bool:
    """Whether the group's shown cells pin some hidden cell (part or total) to one value.

    The group is the equation parts − total = 0; each hidden cell's range follows from the shown
    cells and the ranges of the other hidden ones.
    """
    terms = [(k, 1) for k in group.parts] + [(group.total, -1)]
    hidden = [(k, sign, *_bounds(marks[k], threshold)) for k, sign in terms if marks[k] is not None]
    if not hidden:
        return False
    known = sum(sign * cells[k] for k, sign in terms if marks[k] is None)
    # each hidden term (sign × cell) as a range
    ranges = [(low, high) if sign > 0 else (-high, -low) for _, sign, low, high in hidden]
    for index, (_, sign, low, high) in enumerate(hidden):
        others_low = sum(r[0] for i, r in enumerate(ranges) if i != index)
        others_high = sum(r[1] for i, r in enumerate(ranges) if i != index)
        # this term = −known − (the other hidden terms)
        term_low, term_high = -known - others_high, -known - others_low
        value_low, value_high = (term_low, term_high) if sign > 0 else (-term_high, -term_low)
        if max(low, value_low) >= min(high, value_high):
            return True
    return False


def _pinned(cells: Mapping[Hashable, int], groups: list[Group], marks: Mapping[Hashable, str | None],
            threshold: int, max_rounds: int = 100) -> list[Hashable]:
    """Hidden cells a reader can pin to one value by narrowing every cell's range group by group
    until nothing narrows more (interval propagation over all groups together)."""
    ranges: dict[Hashable, tuple[float, float]] = {
        k: (cells[k], cells[k]) if m is None else _bounds(m, threshold) for k, m in marks.items()}
    for _ in range(max_rounds):
        narrowed = False
        for group in groups:
            terms = [(k, 1) for k in group.parts] + [(group.total, -1)]
            spans = [(ranges[k][0], ranges[k][1]) if sign > 0 else (-ranges[k][1], -ranges[k][0]) for k, sign in terms]
            for index, (key, sign) in enumerate(terms):
                if marks[key] is None:
                    continue
                others_low = _sum_without(spans, index, 0)
                others_high = _sum_without(spans, index, 1)
                low, high = (-others_high, -others_low) if sign > 0 else (others_low, others_high)
                old_low, old_high = ranges[key]
                new_low, new_high = max(old_low, low), min(old_high, high)
                if (new_low, new_high) != (old_low, old_high):
                    ranges[key] = (new_low, new_high)
                    spans[index] = (new_low, new_high) if sign > 0 else (-new_high, -new_low)
                    narrowed = True
        if not narrowed:
            break
    return [k for k, m in marks.items() if m is not None and ranges[k][0] >= ranges[k][1]]


def _sum_without(spans: list[tuple[float, float]], index: int, side: int) -> float:
    """The sum of one side of every span but one. Low sides are never +inf and high sides never
    −inf (only a hidden cell's upper end is open), so the sum is never inf − inf."""
    return sum(span[side] for i, span in enumerate(spans) if i != index)


def _hide_one_more(group: Group, cells: Mapping[Hashable, int], marks: dict[Hashable, str | None]) -> bool:
    """Hide the group's smallest shown non-zero part (first one on ties), else its total.
    Returns False when nothing in the group is left to hide."""
    shown = [k for k in group.parts if marks[k] is None and cells[k] > 0]
    if shown:
        marks[min(shown, key=lambda k: cells[k])] = SECONDARY
        return True
    if marks[group.total] is None and cells[group.total] > 0:
        marks[group.total] = SECONDARY
        return True
    return False


def suppress_table(counts: Sequence[Sequence[int]], *, row_totals: bool = True, column_totals: bool = True,
                   threshold: int = DEFAULT_THRESHOLD) -> list[list[Cell]]:
    """A table of counts → the same table with suppressed cells marked.

    With `row_totals`, the last value of each row is the sum of the others; with `column_totals`,
    the last row is the sum of the rows above (its last value, with both, the grand total).
    """
    rows = [list(r) for r in counts]
    cells: dict[Hashable, int] = {(i, j): v for i, row in enumerate(rows) for j, v in enumerate(row)}
    groups: list[Group] = []
    if rows and row_totals:
        width = len(rows[0])
        groups += [Group((i, width - 1), tuple((i, j) for j in range(width - 1))) for i in range(len(rows))]
    if rows and column_totals:
        last = len(rows) - 1
        groups += [Group((last, j), tuple((i, j) for i in range(last))) for j in range(len(rows[0]))]
    marks = suppress(cells, groups, threshold)
    return [[Cell(v, marks[(i, j)]) for j, v in enumerate(row)] for i, row in enumerate(rows)]
