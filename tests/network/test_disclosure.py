"""Properties of the disclosure rule, on random tables.

The attacker here is stronger than a real reader: they know every shown item *exactly* (not rounded), and solve the
linear system of row, column and grand totals. A hidden item is recoverable iff its unit vector lies in the row space
of that system restricted to the hidden items (exact rational Gaussian elimination below).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from network.disclosure import (
    Figure,
    Period,
    Rule,
    available_periods,
    hidden_positions,
    protect_series,
    protect_table,
    series_hidden,
)

RULE = Rule(k=11, base=5)
# Small counts dominate, so that suppression is exercised; some cells are large.
counts = st.one_of(st.integers(0, 12), st.integers(0, 60))


def grids(min_side: int = 2, max_side: int = 5):
    return st.integers(min_side, max_side).flatmap(
        lambda n: st.integers(min_side, max_side).flatmap(
            lambda m: st.lists(st.lists(counts, min_size=m, max_size=m), min_size=n, max_size=n)
        )
    )


def with_margins(data: list[list[int]]) -> list[list[int]]:
    grid = [[*row, sum(row)] for row in data]
    grid.append([sum(col) for col in zip(*grid, strict=True)])
    return grid


def lines(n: int, m: int) -> list[list[tuple[tuple[int, int], int]]]:
    """Each constraint as (position, coefficient) pairs, summing to zero."""
    found = []
    for i in range(n + 1):  # rows (the last is the column-totals row): cells minus their total
        found.append([((i, j), 1) for j in range(m)] + [((i, m), -1)])
    for j in range(m + 1):
        found.append([((i, j), 1) for i in range(n)] + [((n, j), -1)])
    return found


def rank(rows: list[list[Fraction]]) -> int:
    matrix = [list(r) for r in rows]
    r = 0
    width = len(matrix[0]) if matrix else 0
    for c in range(width):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c] / matrix[r][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        r += 1
    return r


def determined(unknown: set[tuple[int, int]], n: int, m: int) -> set[tuple[int, int]]:
    """Hidden positions whose value follows from the shown ones."""
    order = sorted(unknown)
    index = {pos: k for k, pos in enumerate(order)}
    system = []
    for line in lines(n, m):
        row = [Fraction(0)] * len(order)
        for pos, coefficient in line:
            if pos in index:
                row[index[pos]] += coefficient
        if any(row):
            system.append(row)
    base = rank(system) if system else 0
    found = set()
    for pos in order:
        unit = [Fraction(0)] * len(order)
        unit[index[pos]] = Fraction(1)
        if (rank([*system, unit]) if system else 1) == base:
            found.add(pos)
    return found


def subtraction_attack(unknown: set[tuple[int, int]], n: int, m: int) -> set[tuple[int, int]]:
    """The plain attack: any line with a single unknown gives it away; repeat."""
    unknown, solved = set(unknown), set()
    progress = True
    while progress:
        progress = False
        for line in lines(n, m):
            missing = [pos for pos, _c in line if pos in unknown]
            if len(missing) == 1:
                unknown.discard(missing[0])
                solved.add(missing[0])
                progress = True
    return solved


def primary(grid: list[list[int]]) -> set[tuple[int, int]]:
    return {(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if RULE.is_small(v)}


@settings(max_examples=300, deadline=None)
@given(grids())
def test_no_shown_cell_or_total_is_below_k(data):
    rows, cols = list(range(len(data))), list(range(len(data[0])))
    table = protect_table({(i, j): v for i, row in enumerate(data) for j, v in enumerate(row)}, rows, cols, RULE)
    grid = with_margins(data)
    figures = {(i, j): table.cells[(i, j)] for i in rows for j in cols}
    figures |= {(i, len(cols)): table.row_totals[i] for i in rows}
    figures |= {(len(rows), j): table.col_totals[j] for j in cols}
    figures[(len(rows), len(cols))] = table.total
    for (i, j), figure in figures.items():
        raw = grid[i][j]
        if RULE.is_small(raw):
            assert figure.hidden, (i, j, raw)
        if not figure.hidden:
            assert figure.value == 0 or figure.value >= 10  # 11 rounds to 10: still not a small count
            assert abs(figure.value - raw) <= 2  # rounded from the raw count, totals included
            assert figure.value % 5 == 0


@settings(max_examples=300, deadline=None)
@given(grids())
def test_no_hidden_item_is_recoverable_from_the_margins(data):
    grid = with_margins(data)
    n, m = len(data), len(data[0])
    hidden = hidden_positions(grid, RULE)
    assert primary(grid) <= hidden
    assert subtraction_attack(hidden, n, m) == set()
    assert determined(hidden, n, m) == set()


@settings(max_examples=200, deadline=None)
@given(grids(), st.data())
def test_two_snapshots_one_case_apart_reveal_nothing_the_rule_hides_in_both(data, draw):
    n, m = len(data), len(data[0])
    i, j = draw.draw(st.integers(0, n - 1)), draw.draw(st.integers(0, m - 1))
    later = [row[:] for row in data]
    later[i][j] += 1
    before, after = with_margins(data), with_margins(later)
    hidden_before, hidden_after = hidden_positions(before, RULE), hidden_positions(after, RULE)
    # The reader knows, exactly, everything either snapshot shows (the later one translates back by the one case).
    unknown = hidden_before & hidden_after
    protected = primary(before) & primary(after)
    assert protected <= unknown
    assert not (determined(unknown, n, m) & protected)
    assert not (subtraction_attack(unknown, n, m) & protected)


def test_a_table_of_fewer_than_k_people_shows_nothing():
    table = protect_table({("a", "x"): 3, ("b", "y"): 4}, ["a", "b"], ["x", "y"], RULE)
    assert table.total.hidden
    assert all(f.hidden for f in table.cells.values())


def test_a_single_small_cell_hides_a_rectangle_and_the_rest_is_rounded():
    data = {("a", "x"): 5, ("a", "y"): 40, ("b", "x"): 30, ("b", "y"): 52, ("c", "x"): 23, ("c", "y"): 33}
    table = protect_table(data, ["a", "b", "c"], ["x", "y"], RULE)
    assert [str(table.cells[("a", c)]) for c in "xy"] == ["<11", "<11"]
    assert [str(table.cells[("b", c)]) for c in "xy"] == ["<11", "<11"]
    assert str(table.cells[("c", "x")]) == "25" and str(table.cells[("c", "y")]) == "35"
    assert str(table.row_totals["a"]) == "45"  # 45, rounded from the raw sum
    assert str(table.total) == "185"  # 183 rounded; the rounded cells would not add up to it


def test_tables_need_two_rows_and_columns():
    with pytest.raises(ValueError):
        protect_table({("a", "x"): 20}, ["a"], ["x", "y"], RULE)


@settings(max_examples=300, deadline=None)
@given(st.lists(counts, min_size=1, max_size=40))
def test_series_hide_at_least_two_items_of_their_single_line(values):
    total = sum(values)
    hidden = series_hidden(values, total, RULE)
    items = [*values, total]
    for position, value in enumerate(items):
        if RULE.is_small(value):
            assert position in hidden
    assert len(hidden) != 1  # one unknown in the line would be total minus the rest
    series = protect_series(dict(enumerate(values)), list(range(len(values))), RULE)
    for position, figure in series.values.items():
        assert figure.hidden or abs(figure.value - values[position]) <= 2  # type: ignore[operator]
    assert series.total.hidden or abs(series.total.value - total) <= 2  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=2, max_size=40), st.data())
def test_series_one_case_apart_keep_what_is_small_in_both_hidden(values, draw):
    position = draw.draw(st.integers(0, len(values) - 1))
    later = values[:]
    later[position] += 1
    before = series_hidden(values, sum(values), RULE)
    after = series_hidden(later, sum(later), RULE)
    both = before & after
    for index, value in enumerate(values):
        if RULE.is_small(value) and RULE.is_small(later[index]):
            assert index in both
            assert len(both) >= 2


def test_figure_texts():
    assert str(Figure(None, 11)) == "<11"
    assert str(Figure(15, 11)) == "15"
    assert Figure(None, 11).as_json() == "<11"


def test_periods_are_fixed_quarters_and_years():
    assert Period.parse("2026-Q3") == Period(2026, 3)
    assert Period.parse("2026").quarter is None
    assert Period(2026, 3).start == date(2026, 7, 1) and Period(2026, 3).end == date(2026, 10, 1)
    assert Period(2026, 4).end == date(2027, 1, 1)
    assert Period(2026).end == date(2027, 1, 1)
    for text in ["2026-Q5", "2026-07", "2026-01-01..2026-02-01", "", "26"]:
        with pytest.raises(ValueError):
            Period.parse(text)
    assert Period(2026, 2).is_closed(date(2026, 7, 1))
    assert not Period(2026, 3).is_closed(date(2026, 9, 30))
    codes = [p.code for p in available_periods(date(2026, 8, 1), 2025)]
    assert codes[:4] == ["2026", "2026-Q3", "2026-Q2", "2026-Q1"]
    assert "2026-Q4" not in codes and "2025-Q4" in codes
