"""Disclosure control: what of a count may leave an organisation. Pure Python, no models.

The rule (DESIGN.md, "Aggregates and disclosure control"), for tables of at most two dimensions:

1. **Primary suppression.** A count ``x`` with ``0 < x < k`` is shown as "<k". Zero describes nobody and is shown.
   This applies to the margins (row totals, column totals, the grand total) as much as to the cells.
2. **Complementary suppression.** A hidden cell must not be recoverable by subtracting the shown cells from the shown
   totals. Each primary item pulls in a fixed 4-cycle of the table (a "rectangle"), chosen by position, never by
   value, so that adding ``+t, -t, +t, -t`` around it keeps every row and column total: the linear system of shown
   totals has a free direction through every hidden item, so none is determined.
   - a cell ``(i, j)``: itself, ``(i, p(j))``, ``(p(i), j)`` and ``(p(i), p(j))``, where ``p`` pairs neighbouring
     rows (columns) of the data, never the margins; the cycle stays inside the data, so it holds even if every
     margin were known exactly from another table;
   - a row total ``R_i``: itself, ``R_p(i)`` and the cells ``(i, J)``, ``(p(i), J)`` of one fixed column ``J``
     (a column total likewise, with a fixed row); the same pair of row totals is hidden in every table that shares
     those totals (the province totals are shared by all province tables), so combining tables opens nothing;
   - a grand total below k hides the whole table.
   Because the pattern is a union of rectangles of the primary items, it is monotone: a table one case larger
   hides a superset of rectangles for every item that is primary in both, so two snapshots one case apart cannot
   be subtracted to reveal what the rule hides in both.
3. **Rounding.** Shown counts are rounded to a multiple of ``base`` (5); each total is rounded from its raw sum, never
   summed from rounded cells, so a total is off by at most ``base // 2``.
4. **Fixed periods.** Calendar quarters ("2026-Q3") and years ("2026") only; no free date ranges, whose differences
   would isolate a single day's cases.

A ``Figure`` carries only what may be shown: the rounded value, or the fact that it is hidden. Raw counts never leave
this module inside a figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

Key = Any  # a category code (str in the app; anything hashable in tests)
DEFAULT_K = 11
DEFAULT_BASE = 5


@dataclass(frozen=True)
class Rule:
    k: int = DEFAULT_K
    base: int = DEFAULT_BASE

    @classmethod
    def from_settings(cls) -> Rule:
        from django.conf import settings

        return cls(
            k=getattr(settings, "JEJARING_DISCLOSURE_K", DEFAULT_K),
            base=getattr(settings, "JEJARING_DISCLOSURE_ROUNDING", DEFAULT_BASE),
        )

    def is_small(self, count: int) -> bool:
        return 0 < count < self.k

    def round(self, count: int) -> int:
        return (count + self.base // 2) // self.base * self.base


@dataclass(frozen=True)
class Figure:
    """A shown count: ``value`` (rounded) or ``hidden``; ``k`` for the "<k" text."""

    value: int | None
    k: int = DEFAULT_K

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return f"<{self.k}" if self.value is None else str(self.value)

    def as_json(self) -> int | str:
        return str(self) if self.value is None else self.value


def _pair(index: int, size: int) -> int:
    """A fixed partner: 0-1, 2-3, ...; with an odd size the last pairs with the one before it."""
    if size < 2:
        raise ValueError("pairing needs at least two positions")
    partner = index ^ 1
    return partner if partner < size else index - 1


# --- Two dimensions --------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A protected table. ``cells[(row, col)]``, ``row_totals[row]``, ``col_totals[col]``, ``total``."""

    rows: list[Key]
    cols: list[Key]
    cells: dict[tuple[Key, Key], Figure]
    row_totals: dict[Key, Figure]
    col_totals: dict[Key, Figure]
    total: Figure
    rule: Rule = field(default_factory=Rule)

    def row(self, key: Key) -> list[tuple[Key, Figure]]:
        return [(col, self.cells[(key, col)]) for col in self.cols]

    def column(self, key: Key) -> list[tuple[Key, Figure]]:
        return [(row, self.cells[(row, key)]) for row in self.rows]


# Item positions in the grid: (i, j) with i in 0..n (n = the column-totals row) and j in 0..m (m = row totals).
Pos = tuple[int, int]


def hidden_positions(grid: list[list[int]], rule: Rule) -> set[Pos]:
    """Which items of an (n+1) x (m+1) grid (data, then its margins) to hide. Needs n >= 2 and m >= 2."""
    n, m = len(grid) - 1, len(grid[0]) - 1
    if n < 2 or m < 2:
        raise ValueError("a two-dimensional table needs at least two rows and two columns")
    if rule.is_small(grid[n][m]):
        return {(i, j) for i in range(n + 1) for j in range(m + 1)}
    hidden: set[Pos] = set()
    fixed_col, fixed_row = m - 1, n - 1
    for i in range(n + 1):
        for j in range(m + 1):
            if not rule.is_small(grid[i][j]):
                continue
            if i < n and j < m:
                pi, pj = _pair(i, n), _pair(j, m)
                hidden |= {(i, j), (i, pj), (pi, j), (pi, pj)}
            elif j == m:  # a row total
                pi = _pair(i, n)
                hidden |= {(i, m), (pi, m), (i, fixed_col), (pi, fixed_col)}
            else:  # a column total
                pj = _pair(j, m)
                hidden |= {(n, j), (n, pj), (fixed_row, j), (fixed_row, pj)}
    return hidden


def protect_table(
    counts: Mapping[tuple[Key, Key], int],
    rows: Sequence[Key],
    cols: Sequence[Key],
    rule: Rule | None = None,
    *,
    row_totals: Mapping[Key, int] | None = None,
    col_totals: Mapping[Key, int] | None = None,
) -> Table:
    """Protect a two-dimensional table of raw counts (missing keys count 0).

    ``row_totals``/``col_totals`` are given when a dimension is multi-valued (a case with two exploitation types
    counts in two columns but once in its row total); otherwise they are the sums."""
    rule = rule or Rule()
    rows, cols = list(rows), list(cols)
    if len(rows) < 2 or len(cols) < 2:
        raise ValueError("use protect_series for a table with a single row or column")
    grid = [[int(counts.get((r, c), 0)) for c in cols] for r in rows]
    for i, r in enumerate(rows):
        grid[i].append(int(row_totals.get(r, 0)) if row_totals is not None else sum(grid[i]))
    bottom = [
        int(col_totals.get(c, 0)) if col_totals is not None else sum(grid[i][j] for i in range(len(rows)))
        for j, c in enumerate(cols)
    ]
    bottom.append(sum(grid[i][-1] for i in range(len(rows))))
    grid.append(bottom)
    hidden = hidden_positions(grid, rule)

    def shown(i: int, j: int) -> Figure:
        return Figure(None if (i, j) in hidden else rule.round(grid[i][j]), rule.k)

    n, m = len(rows), len(cols)
    return Table(
        rows=rows,
        cols=cols,
        cells={(r, c): shown(i, j) for i, r in enumerate(rows) for j, c in enumerate(cols)},
        row_totals={r: shown(i, m) for i, r in enumerate(rows)},
        col_totals={c: shown(n, j) for j, c in enumerate(cols)},
        total=shown(n, m),
        rule=rule,
    )


# --- One dimension ---------------------------------------------------------------------------------------------


@dataclass
class Series:
    keys: list[Key]
    values: dict[Key, Figure]
    total: Figure
    rule: Rule = field(default_factory=Rule)


def series_hidden(values: list[int], total: int, rule: Rule) -> set[int]:
    """Hidden positions of a one-dimensional table; position ``len(values)`` is the total."""
    size = len(values)
    if rule.is_small(total) or size < 2:
        return set(range(size + 1)) if (rule.is_small(total) or any(rule.is_small(v) for v in values)) else set()
    hidden: set[int] = set()
    for index, value in enumerate(values):
        if rule.is_small(value):
            hidden |= {index, _pair(index, size)}
    return hidden


def protect_series(
    counts: Mapping[Key, int], keys: Sequence[Key], rule: Rule | None = None, *, total: int | None = None
) -> Series:
    """Protect a one-dimensional table; ``total`` when the dimension is multi-valued (else the sum)."""
    rule = rule or Rule()
    keys = list(keys)
    values = [int(counts.get(key, 0)) for key in keys]
    grand = sum(values) if total is None else int(total)
    hidden = series_hidden(values, grand, rule)
    return Series(
        keys=keys,
        values={
            key: Figure(None if i in hidden else rule.round(value), rule.k)
            for i, (key, value) in enumerate(zip(keys, values, strict=True))
        },
        total=Figure(None if len(keys) in hidden else rule.round(grand), rule.k),
        rule=rule,
    )


# --- Periods ---------------------------------------------------------------------------------------------------

PERIOD = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar year (``quarter`` None) or a calendar quarter. Nothing else can be asked for."""

    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        match = PERIOD.match(text or "")
        if not match:
            raise ValueError(f"not a period: {text!r}")
        quarter = match.group("quarter")
        return cls(int(match.group("year")), int(quarter) if quarter else None)

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    def __str__(self) -> str:
        return self.code

    @property
    def start(self) -> date:
        return date(self.year, 3 * (self.quarter - 1) + 1 if self.quarter else 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.quarter is None or self.quarter == 4:
            return date(self.year + 1, 1, 1)
        return date(self.year, 3 * self.quarter + 1, 1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def is_closed(self, today: date) -> bool:
        return today >= self.end


def periods_of(day: date) -> list[Period]:
    """The periods a day counts in: its quarter and its year."""
    return [Period.quarter_of(day), Period(day.year)]


def available_periods(today: date, first_year: int) -> list[Period]:
    """Every year and quarter from ``first_year`` up to today's, newest first."""
    found: list[Period] = []
    for year in range(first_year, today.year + 1):
        found.append(Period(year))
        for quarter in range(1, 5):
            period = Period(year, quarter)
            if period.start <= today:
                found.append(period)
    return sorted(found, key=lambda p: (p.year, p.quarter or 5), reverse=True)
