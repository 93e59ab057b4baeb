"""The heat map of a cluster's coherence matrix, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coherence.charts import HeatGroup, HeatRow, heat_map_svg
from coherence.findings import CoherenceData, rows_by_entity
from coherence.scale import short_name


def _tooltip(strategy_title: str, code: str, value: int | None) -> str:
    shown = short_name(value) if value is not None else _("not scored")
    return f"{strategy_title} · {code}: {shown}"


def description(data: CoherenceData) -> str:
    """The map in words, for who does not see it."""
    values = [score.value for score in data.scores.values()]
    pairs = len(data.strategies) * len(data.objectives)
    return _(
        "%(strategies)s against %(objectives)s: %(positive)s positive, %(negative)s "
        "negative, %(neutral)s consistent, %(unscored)s not scored."
    ) % {
        "strategies": ngettext("%(n)s strategy", "%(n)s strategies", len(data.strategies))
        % {"n": len(data.strategies)},
        "objectives": ngettext(
            "%(n)s common objective", "%(n)s common objectives", len(data.objectives)
        )
        % {"n": len(data.objectives)},
        "positive": sum(v > 0 for v in values),
        "negative": sum(v < 0 for v in values),
        "neutral": sum(v == 0 for v in values),
        "unscored": pairs - len(values),
    }


def matrix_svg(data: CoherenceData, *, id_prefix: str = "coherence-map") -> str:
    groups = []
    for group in rows_by_entity(data):
        rows = []
        for strategy in group.strategies:
            values = []
            for objective in data.objectives:
                score = data.score(strategy, objective)
                values.append(score.value if score is not None else None)
            rows.append(
                HeatRow(
                    label=strategy.title,
                    values=values,
                    tooltips=[
                        _tooltip(strategy.title, objective.code, value)
                        for objective, value in zip(data.objectives, values, strict=True)
                    ],
                )
            )
        groups.append(HeatGroup(label=group.name, rows=rows))
    return heat_map_svg(
        columns=[(objective.code, objective.statement) for objective in data.objectives],
        groups=groups,
        legend=short_name,
        unscored_label=_("Not scored"),
        title=_("Coherence of the members' strategies with the common objectives"),
        description=description(data),
        id_prefix=id_prefix,
    )
