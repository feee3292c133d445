"""Small-count suppression: the primary rule, the secondary rule along rows and columns, the threshold."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kompetanse_cli.report.suppression import PRIMARY, SECONDARY, Group, suppress, suppress_table


def shown(table: list[list]) -> list[list]:
    """The table as published: numbers, «<5» for primary and «x» for secondary."""
    return [["<5" if c.mark == PRIMARY else "x" if c.mark else c.value for c in row] for row in table]


@pytest.mark.parametrize("value, hidden", [(0, False), (1, True), (2, True), (4, True), (5, False), (120, False)])
def test_primary_rule(value: int, hidden: bool) -> None:
    marks = suppress({"cell": value}, [], threshold=5)
    assert marks["cell"] == (PRIMARY if hidden else None)


def test_nothing_small_nothing_hidden() -> None:
    assert shown(suppress_table([[10, 0, 10], [5, 7, 12], [15, 7, 22]])) == [[10, 0, 10], [5, 7, 12], [15, 7, 22]]


def test_secondary_in_a_row_whose_total_is_shown() -> None:
    # 3 alone in its row could be read off as 20 − 8 − 9, so the smallest other (8) goes too
    assert shown(suppress_table([[3, 8, 9, 20]], column_totals=False)) == [["<5", "x", 9, 20]]


def test_secondary_column_wise() -> None:
    table = [[2], [11], [7], [20]]  # three offices and their sum
    assert shown(suppress_table(table, row_totals=False)) == [["<5"], [11], ["x"], [20]]


def test_secondary_spreads_over_rows_and_columns_until_stable() -> None:
    table = [[3, 10, 13],
             [6, 7, 13],
             [9, 17, 26]]
    assert shown(suppress_table(table)) == [["<5", "x", 13], ["x", "x", 13], [9, 17, 26]]


def test_two_hidden_cells_that_can_still_be_worked_out() -> None:
    # 4 + 4 = 8: two small cells, but both must be 4; the total goes too
    assert shown(suppress_table([[4, 4, 8]], column_totals=False)) == [["<5", "<5", "x"]]
    # 1 + 1 + 50 = 52: the two small cells must both be 1, so 50 is hidden as well
    assert shown(suppress_table([[1, 1, 50, 52]], column_totals=False)) == [["<5", "<5", "x", 52]]


def test_zero_is_never_hidden_even_to_protect() -> None:
    assert shown(suppress_table([[1, 0, 0, 6, 7]], column_totals=False)) == [["<5", 0, 0, "x", 7]]


def test_threshold() -> None:
    row = [[2, 3, 6, 11]]
    assert shown(suppress_table(row, column_totals=False, threshold=3)) == [["<5", "x", 6, 11]]
    assert shown(suppress_table(row, column_totals=False, threshold=7)) == [["<5", "<5", "<5", 11]]
    assert shown(suppress_table(row, column_totals=False, threshold=5)) == [["<5", "<5", 6, 11]]


def test_groups_that_do_not_add_up_are_refused() -> None:
    with pytest.raises(ValueError, match="does not add up"):
        suppress({"a": 1, "b": 2, "sum": 4}, [Group("sum", ("a", "b"))])
    with pytest.raises(ValueError, match="unknown cells"):
        suppress({"a": 1}, [Group("sum", ("a",))])


def test_cells_pinned_only_by_combining_rows_and_columns() -> None:
    # Line by line this would publish the grand total 7 with everything else hidden; but then
    # b = r1, c = k1 and d ≥ 5 give b + c = 7 − d ≤ 2, so b = c = 1. The grand total goes too.
    table = with_totals([[0, 1], [1, 5]])
    assert shown(suppress_table(table)) == [[0, "<5", "<5"], ["<5", "x", "x"], ["<5", "x", "x"]]


def test_a_hidden_total_cannot_be_read_from_its_parts() -> None:
    # «sum» is hidden to protect the row it totals; its parts in another group must not give it away
    cells = {"a": 3, "b": 9, "sum": 12, "c": 6, "d": 6}
    groups = [Group("sum", ("a", "b")), Group("sum", ("c", "d"))]
    marks = suppress(cells, groups)
    assert marks["a"] == PRIMARY and marks["b"] == SECONDARY
    assert marks["sum"] is None  # 12 shown; a and b protect each other


# ---------- properties ----------

tables = st.integers(2, 4).flatmap(lambda width: st.lists(
    st.lists(st.integers(0, 12), min_size=width, max_size=width), min_size=1, max_size=4))


def with_totals(interior: list[list[int]]) -> list[list[int]]:
    rows = [row + [sum(row)] for row in interior]
    return rows + [[sum(col) for col in zip(*rows)]]


@settings(derandomize=True, deadline=None)
@given(tables, st.integers(3, 6))
def test_every_small_count_hidden_no_zero_hidden(interior: list[list[int]], threshold: int) -> None:
    result = suppress_table(with_totals(interior), threshold=threshold)
    for row in result:
        for cell in row:
            if 0 < cell.value < threshold:
                assert cell.mark == PRIMARY
            if cell.value == 0:
                assert cell.mark is None
            if cell.mark == SECONDARY:
                assert cell.value >= threshold


@settings(derandomize=True, deadline=None)
@given(tables)
def test_no_line_with_a_shown_total_has_exactly_one_hidden_cell(interior: list[list[int]]) -> None:
    result = suppress_table(with_totals(interior))
    lines = [row for row in result] + [list(col) for col in zip(*result)]
    for line in lines:
        if not line[-1].hidden:
            assert sum(1 for c in line[:-1] if c.hidden) != 1


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.integers(0, 9), min_size=2, max_size=2), min_size=2, max_size=2))
def test_two_by_two_tables_resist_a_full_search(interior: list[list[int]]) -> None:
    """Try every interior a reader could think of: no hidden cell may have only one possible value."""
    threshold = 5
    table = suppress_table(with_totals(interior), threshold=threshold)

    def possible(cell) -> range:
        if cell.mark == PRIMARY:
            return range(1, threshold)
        if cell.mark == SECONDARY:
            return range(threshold, 40)
        return range(cell.value, cell.value + 1)

    options = [possible(table[i][j]) for i in range(2) for j in range(2)]
    seen: dict[tuple[int, int], set[int]] = {}
    for a, b, c, d in itertools.product(*options):
        candidate = with_totals([[a, b], [c, d]])
        if all(candidate[i][j] in possible(table[i][j]) for i in range(3) for j in range(3)):
            for i in range(3):
                for j in range(3):
                    seen.setdefault((i, j), set()).add(candidate[i][j])
    everything_hidden = all(c.hidden or c.value == 0 for row in table for c in row)
    for i in range(3):
        for j in range(3):
            if table[i][j].hidden and not everything_hidden:
                assert len(seen[(i, j)]) > 1, (interior, shown(table))
