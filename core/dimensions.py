"""The controlled list of the dimensions people are counted by, for every app.

Rights-holder groups (rights) and indicators (indicators) break their counts down by the
same values, defined once here, below both and below the cluster that chooses them.

A cell of a count is named by its key: its dimensions' values in a fixed order,
``"sex=female|age=adults"`` (as the indicators' measurement cells are named).

Migration status follows the administrative situations that decide access to housing,
health care and social benefits in Spain (Ley Orgánica 4/2000 on foreign nationals, Ley
12/2009 on international protection): nationals; foreign nationals with regular status
(a residence permit, or citizens of the European Union); people in an irregular
administrative situation; applicants for or beneficiaries of international protection
(asylum, subsidiary protection, statelessness). Each person is in one of them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SEXES = (
    ("female", _("Women and girls")),
    ("male", _("Men and boys")),
    ("nonbinary", _("Non-binary")),
)
AGE_BANDS = (
    ("children", _("Children (0-11)")),
    ("adolescents", _("Adolescents (12-17)")),
    ("adults", _("Adults (18-64)")),
    ("elderly", _("Older people (65+)")),
)
DISABILITY = (("yes", _("With disability")), ("no", _("Without disability")))
MIGRATION_STATUSES = (
    ("national", _("Nationals")),
    ("regular", _("Foreign nationals with regular status")),
    ("irregular", _("In an irregular administrative situation")),
    ("protection", _("Applicants for or beneficiaries of international protection")),
)

# Every dimension with a fixed list of values, in the order cells name them.
DIMENSIONS = {
    "sex": (_("sex"), SEXES),
    "age": (_("age band"), AGE_BANDS),
    "disability": (_("disability"), DISABILITY),
    "migration": (_("migration status"), MIGRATION_STATUSES),
}
ORDER = {name: rank for rank, name in enumerate(DIMENSIONS)}


def cell_key(parts: dict[str, str]) -> str:
    """``{"age": "adults", "sex": "female"}`` -> ``"sex=female|age=adults"``."""
    return "|".join(f"{name}={parts[name]}" for name in sorted(parts, key=ORDER.__getitem__))


def cell_parts(key: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in key.split("|") if "=" in part)


def is_known_cell(key: str) -> bool:
    """Whether every part of the key is a dimension and one of its values."""
    parts = cell_parts(key)
    if not parts or any(
        name not in DIMENSIONS or value not in dict(DIMENSIONS[name][1])
        for name, value in parts.items()
    ):
        return False
    return cell_key(parts) == key


def cell_column(key: str) -> str:
    """A cell's column name in an export: ``female_adults``, ``disability_yes``."""
    return "_".join(
        value if name in ("sex", "age") else f"{name}_{value}"
        for name, value in cell_parts(key).items()
    )


@dataclass(frozen=True)
class Breakdown:
    """One way of counting the same people: by one dimension, or by two crossed (rows by
    the first, columns by the second). Each breakdown's cells add up to the whole group."""

    dimensions: tuple[str, ...]

    @property
    def label(self) -> str:
        names = [str(DIMENSIONS[name][0]) for name in self.dimensions]
        return " \N{MULTIPLICATION SIGN} ".join(names)

    @property
    def rows(self) -> list[tuple[str, str]]:
        """(value, label) of the first dimension when crossed; one unnamed row otherwise."""
        if len(self.dimensions) == 2:
            return list(DIMENSIONS[self.dimensions[0]][1])
        return [("", "")]

    @property
    def columns(self) -> list[tuple[str, str]]:
        return list(DIMENSIONS[self.dimensions[-1]][1])

    def cell(self, row: str, column: str) -> str:
        parts = {self.dimensions[-1]: column}
        if row:
            parts[self.dimensions[0]] = row
        return cell_key(parts)

    def keys(self) -> list[str]:
        return [self.cell(row, column) for row, _r in self.rows for column, _c in self.columns]


def breakdowns(chosen: list[str]) -> list[Breakdown]:
    """The breakdowns of the dimensions chosen: sex and age crossed when both are chosen
    (as people are counted, "older women"), each other dimension on its own (counting
    every combination would ask for 96 numbers nobody has)."""
    chosen = [name for name in DIMENSIONS if name in chosen]
    found = []
    if "sex" in chosen and "age" in chosen:
        found.append(Breakdown(("sex", "age")))
        chosen = [name for name in chosen if name not in ("sex", "age")]
    found.extend(Breakdown((name,)) for name in chosen)
    return found


def breakdown_of(key: str) -> Breakdown:
    return Breakdown(tuple(cell_parts(key)))


def all_cells(chosen: list[str]) -> list[str]:
    return list(itertools.chain.from_iterable(b.keys() for b in breakdowns(chosen)))
