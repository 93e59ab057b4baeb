"""Disaggregation that adds up: the cells of a report are parts of its total, counts are
whole numbers, an empty cell is no data (never zero), and the pages say so."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from indicators import services
from indicators.cells import cells_of, combined, count_problem, group, total_problem
from indicators.figures import breakdown, indicator_breakdown_svg
from indicators.models import Indicator, MeasurementReport
from tests.conftest import World
from tests.html_forms import forms_on

SEX = ["sex=female", "sex=male", "sex=nonbinary"]
SEX_LABELS = ["Women and girls", "Men and boys", "Non-binary"]


def by_sex(measure: str = "number", is_count: bool = True) -> Indicator:
    return Indicator(measure=measure, by_sex=True, is_count=is_count)


def save(world: World, cells: dict, total, **kwargs) -> MeasurementReport:
    return services.report_save(
        indicator=world.indicator,
        period=world.period,
        membership=world.cluster.memberships.get(role="lead"),
        by=world.users["coordinator"],
        cells={key: cells.get(key) for key in SEX},
        total=total,
        **kwargs,
    )


# The pure rules


def test_a_group_is_the_sum_of_its_cells_only_when_each_has_a_value():
    indicator = Indicator(measure="number", by_sex=True, by_age=True)
    cells = cells_of(indicator)
    women = group(cells, sex="female")
    assert len(women) == 4 and all("sex=female" in key for key in women)
    values = {key: D(2) for key in women}
    assert combined(indicator, values, women) == 8
    del values[women[-1]]
    assert combined(indicator, values, women) is None, "a part never passes for the whole"
    assert combined(indicator, values, group(cells, sex="male")) is None


def test_percentages_never_add_up():
    indicator = Indicator(measure="percentage", by_sex=True, by_age=True)
    cells = cells_of(indicator)
    values = {key: D(50) for key, _parts in cells}
    assert combined(indicator, values, group(cells, sex="female", age="adults")) == 50
    assert combined(indicator, values, group(cells, sex="female")) is None


@given(
    st.dictionaries(st.sampled_from(SEX), st.integers(min_value=0, max_value=10**6)),
    st.integers(min_value=0, max_value=3 * 10**6),
)
def test_cells_of_a_number_never_add_up_to_more_than_its_total(cells, total):
    """Some cells, or all: their sum is at most the total (exactly it, when all are given)."""
    problem = total_problem(by_sex(), {k: D(v) for k, v in cells.items()}, D(total))
    added = sum(cells.values())
    complete = len(cells) == len(SEX)
    assert (problem is None) == (added == total if complete else added <= total)


@pytest.mark.parametrize(
    ("value", "is_count"), [(D("7.5"), False), (D(-7), False), (D(0), True), (D(12), True)]
)
def test_a_count_is_a_whole_number_never_negative(value, is_count):
    assert (count_problem(value) is None) == is_count


# Saving a report


def test_cells_adding_up_to_more_than_the_total_are_refused(world: World):
    with pytest.raises(DomainError, match=r"The cells add up to 7, more than the total \(5\)"):
        save(world, {"sex=female": 3, "sex=male": 4}, total=D(5))
    assert not MeasurementReport.objects.filter(membership__role="lead").exists()


def test_a_head_count_cannot_be_negative_or_a_fraction(world: World):
    for value in (D(-7), D("7.5")):
        with pytest.raises(DomainError, match="is not a count"):
            save(world, {"sex=female": value}, total=D(10))
    assert not MeasurementReport.objects.filter(membership__role="lead").exists()


def test_an_amount_may_have_decimals_and_be_negative(world: World):
    Indicator.objects.filter(pk=world.indicator.pk).update(is_count=False)
    world.indicator.refresh_from_db()
    report = save(world, {"sex=female": D("-2.5"), "sex=male": D("3")}, total=D("0.5"))
    assert {m.cell: m.value for m in report.measurements.all()}[""] == D("0.5")


def test_cells_given_in_part_keep_the_total_given_and_leave_the_rest_without_data(world: World):
    report = save(world, {"sex=female": 3}, total=D(9))
    assert {m.cell: m.value for m in report.measurements.all()} == {"": 9, "sex=female": 3}


def test_the_report_form_refuses_a_fraction_of_a_person_in_its_cell(world: World):
    url = reverse(
        "indicators:report-edit", args=[world.cluster.slug, world.indicator.pk, world.period.pk]
    )
    response = world.client("coordinator").post(
        url, {"total": "10", "cell_0": "2.5", "cell_1": "-1", "cell_2": "", "save": ""}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "is not a count" in " ".join(form.errors["cell_0"])
    assert "cell_1" in form.errors
    assert "cell_2" not in form.errors, "an empty cell is no data, not an error"


def test_the_report_form_says_an_empty_cell_is_no_data(world: World):
    url = reverse(
        "indicators:report-edit", args=[world.cluster.slug, world.indicator.pk, world.period.pk]
    )
    page = world.client("coordinator").get(url).content.decode()
    assert "an empty cell is no data, 0 means none" in page
    assert 'placeholder="no data"' in page


# What the pages show


def test_the_validation_queue_shows_each_reports_cells_beside_its_total(world: World):
    save(world, {"sex=female": 3}, total=D(9), submit=True)
    page = world.client("coordinator").get(
        reverse("indicators:validation-queue", args=[world.cluster.slug])
    )
    html = re.sub(r"<[^>]+>", "", page.content.decode())  # the text a person reads
    # The world's member entity reported 6 women, 4 men, 0 non-binary people; the lead
    # entity 3 women of 9, the others without data.
    assert "Women and girls: 6" in html and "Non-binary: 0" in html
    assert "Women and girls: 3" in html
    assert html.count("Non-binary: no data") == 1


def test_the_breakdown_chart_adds_up_only_the_entities_that_gave_every_figure(world: World):
    Indicator.objects.filter(pk=world.indicator.pk).update(by_age=False)
    lead = save(world, {"sex=female": 3}, total=D(9), submit=True)
    coordinator = world.users["coordinator"]
    services.report_validate(report=world.report, by=coordinator)
    services.report_validate(report=lead, by=coordinator)
    found = breakdown(world.indicator, world.period.pk)
    # The member entity's 6 women, 4 men and 0 non-binary people; not the lead entity's 3
    # women of 9 (with the others unknown, its 3 would pass for all of them).
    assert dict(found.rows[0][1]) == {
        "Women and girls": 6.0,
        "Men and boys": 4.0,
        "Non-binary": 0.0,
    }
    assert (found.broken_down, found.reported) == (1, 2)
    svg = indicator_breakdown_svg(world.indicator, "b", world.period.pk)
    assert "The figures of 1 of the 2 entities that reported" in svg


def test_the_breakdown_chart_says_no_data_when_nobody_gave_it(world: World):
    Indicator.objects.filter(pk=world.indicator.pk).update(by_age=False)
    lead = save(world, {"sex=female": 3}, total=D(9), submit=True)
    services.report_validate(report=lead, by=world.users["coordinator"])
    found = breakdown(world.indicator, world.period.pk)
    assert dict(found.rows[0][1]) == dict.fromkeys(
        ["Women and girls", "Men and boys", "Non-binary"]
    )
    svg = indicator_breakdown_svg(world.indicator, "b", world.period.pk)
    assert "No entity gave its validated values broken down" in svg


def test_a_bad_count_gets_one_message_not_two(world: World):
    url = reverse(
        "indicators:report-edit", args=[world.cluster.slug, world.indicator.pk, world.period.pk]
    )
    response = world.client("coordinator").post(url, {"cell_0": "-1", "cell_1": "7.555"})
    errors = response.context["form"].errors
    assert errors["cell_0"] == ["-1 is not a count: a count is a whole number, never negative."]
    assert len(errors["cell_1"]) == 1


def indicator_form_data(world: World, **changes) -> dict:
    """The indicator's edit form as the browser would send it, with these changes."""
    url = reverse("indicators:indicator-edit", args=[world.cluster.slug, world.indicator.pk])
    html = world.client("coordinator").get(url).content.decode()
    (form,) = [f for f in forms_on(html, "indicator-edit", url) if f.action == url]
    return {**form.submission(), **changes}


def test_a_count_can_become_an_amount_even_after_validation(world: World):
    """Unticking "a count" loosens the rule: values already validated stay true."""
    services.report_validate(report=world.report, by=world.users["coordinator"])
    data = indicator_form_data(world)
    data.pop("is_count")
    url = reverse("indicators:indicator-edit", args=[world.cluster.slug, world.indicator.pk])
    assert world.client("coordinator").post(url, data).status_code == 302
    world.indicator.refresh_from_db()
    assert not world.indicator.is_count


def test_an_amount_reported_with_decimals_cannot_become_a_count(world: World):
    Indicator.objects.filter(pk=world.indicator.pk).update(is_count=False)
    world.indicator.refresh_from_db()
    save(world, {"sex=female": D("2.5")}, total=D("4.5"))
    url = reverse("indicators:indicator-edit", args=[world.cluster.slug, world.indicator.pk])
    response = world.client("coordinator").post(url, indicator_form_data(world, is_count="on"))
    assert response.status_code == 200
    assert "have decimals or are below zero" in response.content.decode()
    world.indicator.refresh_from_db()
    assert not world.indicator.is_count


def test_saving_a_new_report_without_values_keeps_the_draft_and_its_history(world: World):
    report = save(world, {}, total=None)
    assert report.updated_by == world.users["coordinator"]
    assert report.events.count() == 1
    again = save(world, {}, total=None)
    assert again.events.count() == 1, "saved unchanged: nothing more in the history"
