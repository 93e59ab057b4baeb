"""Issue 15, point 13. The cells of a report as a grid (sex and age band as rows, the other
dimensions as columns, with row, column and grand totals), checked on the server; and an
indicator that asks for each dimension on its own, end to end: the form, the import, the
aggregation, the chart and the export."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from core.errors import DomainError
from indicators import exporting, services
from indicators.figures import breakdown
from indicators.importing import import_reports
from indicators.models import Indicator, MeasurementReport
from indicators.progress import indicators_progress
from indicators.reading import ImportRefused
from tests.conftest import World
from tests.html_forms import forms_on
from tests.indicators.test_cells import indicator_form_data
from tests.indicators.test_rules import csv_upload
from tests.indicators.test_services import make_indicator


def edit_url(world: World, indicator: Indicator) -> str:
    return reverse(
        "indicators:report-edit",
        kwargs={
            "slug": world.cluster.slug,
            "indicator_pk": indicator.pk,
            "period_pk": world.period.pk,
        },
    )


@pytest.fixture
def crossed(world: World) -> Indicator:
    """People rehoused, by sex, age band and disability: 24 combinations."""
    return make_indicator(
        world,
        world.indicator.objective,
        code="G1",
        name="People rehoused",
        by_sex=True,
        by_age=True,
        by_disability=True,
    )


@pytest.fixture
def separate(world: World) -> Indicator:
    """The same, each dimension on its own: 3 + 4 + 2 cells."""
    return make_indicator(
        world,
        world.indicator.objective,
        code="G2",
        name="People accompanied to hearings",
        by_sex=True,
        by_age=True,
        by_disability=True,
        breakdown=Indicator.Breakdown.SEPARATE,
    )


def cell_names(indicator: Indicator) -> dict[str, str]:
    """{cell key: the form field's name}."""
    return {key: f"cell_{index}" for index, (key, _label) in enumerate(indicator.cells())}


def test_every_combination_is_a_table_of_sex_and_age_by_disability(world: World, crossed):
    page = world.client("member").get(edit_url(world, crossed)).content.decode()
    (table,) = re.findall(r'<table class="count-grid report-grid".*?</table>', page, re.S)
    head = re.search(r"<thead>(.*?)</thead>", table, re.S).group(1)
    columns = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', head)
    assert columns == ["Sex", "Age band", "With disability", "Without disability", "Total"]
    assert len(re.findall(r"<tbody>", table)) == 3, "a group of rows per sex"
    assert table.count('<th scope="rowgroup" rowspan="4">') == 3
    assert len(re.findall(r"<tbody>.*?</tbody>", table, re.S)) == 3
    assert table.count("<input") == 24
    # Each box is labelled by its row and its column.
    key = "sex=female|age=children|disability=yes"
    field_id = f"id_{cell_names(crossed)[key]}"
    label = re.search(rf'<label for="{field_id}"[^>]*>([^<]+)</label>', table).group(1)
    assert label == "Women and girls, Children (0-11), With disability"
    # The totals follow what one types by a static script; no script is inline.
    assert 'src="/static/js/report-grid.js" defer' in page
    assert "<script>" not in page
    assert "data-row-total" in table and "data-grand-total" in table


def test_the_totals_are_written_by_the_server_without_a_script(world: World, crossed):
    names = cell_names(crossed)
    cells = {
        "sex=female|age=adults|disability=yes": D(2),
        "sex=female|age=adults|disability=no": D(5),
        "sex=male|age=adults|disability=no": D(4),
    }
    services.report_save(
        indicator=crossed,
        period=world.period,
        membership=world.member_membership,
        by=world.users["member"],
        cells=cells,
        total=D(11),
    )
    page = world.client("member").get(edit_url(world, crossed)).content.decode()
    assert f'name="{names["sex=female|age=adults|disability=no"]}" value="5"' in page
    row_totals = re.findall(r"<output data-row-total>([^<]*)</output>", page)
    assert len(row_totals) == 12
    assert row_totals[2] == "7", "women, adults: 2 + 5"
    assert row_totals[6] == "4", "men, adults"
    columns = re.findall(r'<output data-column-total="\d">([^<]*)</output>', page)
    assert columns == ["2", "9"]
    assert re.search(r"<output data-grand-total>([^<]*)</output>", page).group(1) == "11"


def test_the_server_refuses_cells_that_do_not_add_up_to_the_total(world: World, crossed):
    names = cell_names(crossed)
    url = edit_url(world, crossed)
    html = world.client("member").get(url).content.decode()
    (form,) = [f for f in forms_on(html, "report-edit", url) if "total" in f.submission()]
    data = {
        **form.submission(),
        "total": "10",
        names["sex=female|age=adults|disability=no"]: "6",
        names["sex=male|age=adults|disability=no"]: "7",
        "submit": "",
    }
    response = world.client("member").post(url, data)
    assert response.status_code == 400
    assert "The cells add up to 13, more than the total (10)" in response.content.decode()
    assert not MeasurementReport.objects.filter(indicator=crossed).exists()


def test_each_dimension_on_its_own_asks_for_nine_boxes_in_three_tables(world: World, separate):
    page = world.client("member").get(edit_url(world, separate)).content.decode()
    tables = re.findall(r'<table class="count-grid report-grid".*?</table>', page, re.S)
    captions = [re.search(r"<caption>([^<]+)</caption>", t).group(1) for t in tables]
    assert captions == ["Values by sex", "Values by age band", "Values by disability"]
    assert [t.count("<input") for t in tables] == [3, 4, 2]


def test_each_dimension_must_add_up_to_the_same_total(world: World, separate):
    def save(cells, total=None):
        return services.report_save(
            indicator=separate,
            period=world.period,
            membership=world.member_membership,
            by=world.users["member"],
            cells=cells,
            total=total,
            submit=True,
        )

    by_sex = {"sex=female": D(6), "sex=male": D(4), "sex=nonbinary": D(0)}
    by_age = {"age=children": D(1), "age=adolescents": D(1), "age=adults": D(7)}
    by_age["age=elderly"] = D(2)  # 11, where the sexes add up to 10
    with pytest.raises(DomainError, match="sum of the cells by age band"):
        save({**by_sex, **by_age})
    by_age["age=elderly"] = D(1)
    report = save({**by_sex, **by_age, "disability=yes": D(2)})
    assert report.measurements.get(cell="").value == D(10), "the total from the sexes"
    services.report_return(report=report, by=world.users["coordinator"], reason="Check")
    with pytest.raises(DomainError, match=r"sum of the cells by disability \(12\)"):
        save({**by_sex, "disability=yes": D(2), "disability=no": D(10)}, total=D(10))
    with pytest.raises(DomainError, match="by disability add up to 11, more than the total"):
        save({**by_sex, "disability=no": D(11)}, total=D(10))


def test_each_dimension_on_its_own_end_to_end(world: World, separate):
    """Imported from a file, validated, added up, drawn and exported."""
    rows = [
        ["G2", world.period.start.isoformat(), "", "12"],
        ["G2", world.period.start.isoformat(), "sex=female", "7"],
        ["G2", world.period.start.isoformat(), "sex=male", "5"],
        ["G2", world.period.start.isoformat(), "sex=nonbinary", "0"],
        ["G2", world.period.start.isoformat(), "age=adults", "9"],
        ["G2", world.period.start.isoformat(), "age=elderly", "3"],
        ["G2", world.period.start.isoformat(), "age=children", "0"],
        ["G2", world.period.start.isoformat(), "age=adolescents", "0"],
    ]
    template = exporting.template_rows(world.cluster, world.member_membership)
    offered = [row[4] for row in template[1:] if row[0] == "G2"]
    assert offered == ["", *(key for key, _label in separate.cells())]
    imported = import_reports(
        cluster=world.cluster,
        membership=world.member_membership,
        by=world.users["member"],
        upload=csv_upload(rows),
        submit=True,
    )
    assert imported == 1
    report = MeasurementReport.objects.get(indicator=separate)
    services.report_validate(report=report, by=world.users["coordinator"])

    assert indicators_progress([separate])[separate.pk].current == D(12)
    found = breakdown(separate)
    assert found.broken_down == 1
    assert dict(found.rows)["Women and girls"] == [("By sex", 7.0)]
    assert dict(found.rows)["Adults (18-64)"] == [("By age band", 9.0)]

    export = exporting.export_rows(world.cluster)
    tags, row = export[1], next(r for r in export[2:] if r[2] == "G2")
    values = dict(zip(tags, row, strict=True))
    assert values["#reached"] == 12
    assert values["#reached+f"] == 7
    assert values["#reached+adults"] == 9
    assert values["#reached+f+adults"] == "", "no combination was asked for"

    # A file that does not add up is refused whole.
    rows[4][3] = "10"
    MeasurementReport.objects.filter(pk=report.pk).delete()
    with pytest.raises(ImportRefused, match="by age band"):
        import_reports(
            cluster=world.cluster,
            membership=world.member_membership,
            by=world.users["member"],
            upload=csv_upload(rows),
            submit=True,
        )


def test_the_indicator_form_sets_how_the_cells_are_reported(world: World):
    data = indicator_form_data(world, breakdown="separate")
    url = reverse("indicators:indicator-edit", args=[world.cluster.slug, world.indicator.pk])
    assert world.client("coordinator").post(url, data).status_code == 302
    world.indicator.refresh_from_db()
    assert world.indicator.is_separate
    # Once values are validated it stays: they were reported that way.
    services.report_validate(report=world.report, by=world.users["coordinator"])
    response = world.client("coordinator").post(url, {**data, "breakdown": "crossed"})
    assert response.status_code == 200
    world.indicator.refresh_from_db()
    assert world.indicator.is_separate


@pytest.mark.parametrize(
    ("fields", "row_heads", "columns", "rows", "totals"),
    [
        # One dimension: its values down one column, a total under it.
        ({"territories": "North, South"}, ["Territory"], ["Value"], 2, True),
        # Two: the first as rows, the second as columns.
        (
            {"by_sex": True, "territories": "North, South"},
            ["Sex"],
            ["North", "South"],
            3,
            True,
        ),
        # Three and more: the first two as rows, the others as columns.
        (
            {"by_sex": True, "by_age": True, "by_disability": True, "territories": "N, S"},
            ["Sex", "Age band"],
            [
                "With disability · N",
                "With disability · S",
                "Without disability · N",
                "Without disability · S",
            ],
            12,
            True,
        ),
        # Percentages do not add up: no totals.
        (
            {"by_sex": True, "by_age": True, "measure": "percentage", "aggregation": "average"},
            ["Sex"],
            ["Children (0-11)", "Adolescents (12-17)", "Adults (18-64)", "Older people (65+)"],
            3,
            False,
        ),
    ],
)
def test_the_grid_is_worked_out_from_the_dimensions(
    world: World, fields, row_heads, columns, rows, totals
):
    from indicators.forms import ReportForm
    from indicators.grid import report_grid

    indicator = make_indicator(world, world.indicator.objective, code="L1", **fields)
    form = ReportForm(indicator=indicator)
    (table,) = report_grid(indicator, form.fields_by_cell())
    assert table.row_heads == row_heads
    assert table.columns == columns
    assert sum(len(group.rows) for group in table.groups) == rows
    assert table.adds_up is totals
    keys = [cell.key for group in table.groups for row in group.rows for cell in row.cells]
    assert sorted(keys) == sorted(key for key, _label in indicator.cells()), "each cell once"
