"""What the counts of a rights-holder group add up to, for the page, the dossier and the
export.

A cell nobody counted is unknown, never zero: a total is the sum of the cells known, and
says how many are unknown ("132, unknown in 3 of 12 cells"); with no cell known it is
"unknown", not 0. Each breakdown (core.dimensions.Breakdown) counts the same people, so
the group's total is that of its first breakdown, never the sum of all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core import words
from core.dimensions import Breakdown, breakdown_of, breakdowns


@dataclass(frozen=True)
class Total:
    known: int  # the sum of the cells known
    unknown: int  # how many cells are unknown
    cells: int

    @property
    def is_unknown(self) -> bool:
        return self.unknown == self.cells

    @property
    def value(self) -> int | None:
        """The sum for an export: None (an empty cell) when no cell is known."""
        return None if self.is_unknown else self.known

    def __str__(self) -> str:
        if self.is_unknown:
            return _("unknown")
        figure = words.number(self.known)
        if not self.unknown:
            return figure
        return _("%(total)s, unknown in %(unknown)s of %(cells)s cells") % {
            "total": figure,
            "unknown": self.unknown,
            "cells": self.cells,
        }


def total_of(counts: list[int | None]) -> Total:
    known = [count for count in counts if count is not None]
    return Total(known=sum(known), unknown=len(counts) - len(known), cells=len(counts))


@dataclass(frozen=True)
class CountCell:
    key: str
    label: str  # the row's and the column's labels, for a screen reader
    count: int | None

    def __str__(self) -> str:
        return _("unknown") if self.count is None else words.number(self.count)


@dataclass(frozen=True)
class CountTable:
    """One breakdown of a group: rows of cells with their totals, and the whole total."""

    breakdown: Breakdown
    asked: bool  # among the dimensions the cluster asks for now (else kept from before)
    rows: list[tuple[str, list[CountCell], Total]]
    total: Total

    @property
    def label(self) -> str:
        return self.breakdown.label

    @property
    def column_labels(self) -> list[str]:
        return [str(label) for _value, label in self.breakdown.columns]

    @property
    def is_crossed(self) -> bool:
        return len(self.breakdown.dimensions) > 1


def count_tables(counts: Mapping[str, int], chosen: list[str]) -> list[CountTable]:
    """The tables of a group: one per breakdown the cluster asks for, then one per
    breakdown it no longer asks for but of which cells are stored (nothing is lost when
    the cluster changes its mind)."""
    asked = breakdowns(chosen)
    stored = []
    for key in counts:
        kept = breakdown_of(key)
        if kept not in asked and kept not in stored:
            stored.append(kept)
    return [table_of(b, counts, asked=True) for b in asked] + [
        table_of(b, counts, asked=False) for b in stored
    ]


def table_of(breakdown: Breakdown, counts: Mapping[str, int], *, asked: bool) -> CountTable:
    rows = []
    for row, row_label in breakdown.rows:
        cells = [
            CountCell(
                key=breakdown.cell(row, column),
                label=", ".join(str(text) for text in (row_label, label) if text),
                count=counts.get(breakdown.cell(row, column)),
            )
            for column, label in breakdown.columns
        ]
        rows.append((str(row_label), cells, total_of([cell.count for cell in cells])))
    every = [cell.count for _label, cells, _total in rows for cell in cells]
    return CountTable(breakdown=breakdown, asked=asked, rows=rows, total=total_of(every))


def group_total(tables: list[CountTable]) -> Total:
    """The group's total: its first breakdown's (each counts the same people)."""
    return tables[0].total if tables else Total(known=0, unknown=0, cells=0)
