"""The health part's charts, drawn by the indicators' renderers so that they look and
read like every other chart of the platform (pages and PDFs alike)."""

from __future__ import annotations

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from health.figures import DerivedFigures, Figure, figure_sparkline_svg
from health.results import EffectSeries
from health.scales import Effect
from health.scoring import BAND_LABELS, whole
from indicators.charts.breakdown import breakdown_chart_svg


def band_labels() -> dict[str, str]:
    return {key: str(label) for key, label in BAND_LABELS.items()}


def effects_chart_svg(series: EffectSeries, id_prefix: str = "effects") -> str:
    """The five effects over the last rounds: one group of bars per effect, one bar per
    round (oldest first), each bar's score written at its end."""
    labels = [round.label for round in series.rounds]
    # Whole percentages, as the pages write scores.
    rows = [
        (
            str(label),
            [
                (name, _whole(score))
                for name, score in zip(labels, series.scores[effect], strict=True)
            ],
        )
        for effect, label in Effect.choices
    ]
    return breakdown_chart_svg(
        rows=rows if labels else [],
        title=_("The five effects over the survey rounds"),
        description=_(
            "Score of each effect in each round with results, as a percentage: strong above "
            "75, satisfactory from 51 to 75, unsatisfactory from 26 to 50, weak at 25 or less."
        ),
        id_prefix=id_prefix,
        unit="%",
        decimal_mark=get_format("DECIMAL_SEPARATOR"),
        group_mark=get_format("THOUSAND_SEPARATOR"),
        no_data=_("No data"),
    )


def _whole(score: float | None) -> float | None:
    return None if score is None else float(whole(score))


def figures_with_sparklines(
    derived: DerivedFigures, id_prefix: str = "figure"
) -> list[tuple[str, list[tuple[Figure, str]]]]:
    """(effect label, [(figure, its sparkline)]) for each effect, for the page and the PDF."""
    return [
        (label, [(f, figure_sparkline_svg(f, f"{id_prefix}-{f.code}")) for f in figures])
        for _effect, label, figures in derived.by_effect()
    ]
