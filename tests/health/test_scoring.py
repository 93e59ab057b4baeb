"""The survey's scoring as the CCPM computes it: pure functions, no database."""

from __future__ import annotations

import statistics

from hypothesis import given
from hypothesis import strategies as st

from health.scales import DONT_KNOW, TOP
from health.scoring import (
    DOWN,
    EQUAL,
    MIN_RESPONSES,
    SATISFACTORY,
    STRONG,
    UNSATISFACTORY,
    UP,
    WEAK,
    QuestionKey,
    band,
    mean_score,
    question_score,
    scores,
    trend,
    whole,
)

answers = st.lists(st.integers(min_value=0, max_value=TOP), max_size=40)


def test_each_answer_alone_falls_in_the_band_of_its_name():
    assert [band(question_score([value])) for value in (1, 2, 3, 4)] == [
        WEAK,
        UNSATISFACTORY,
        SATISFACTORY,
        STRONG,
    ]


def test_the_median_of_an_even_count_is_between_the_middle_answers():
    # Rarely, Fairly often, Fairly often, Very regularly: median 3 -> 75 %.
    assert question_score([2, 3, 3, 4]) == 75
    # Rarely, Fairly often: median 2.5 -> 62.5 %, satisfactory.
    assert question_score([2, 3]) == 62.5
    assert band(62.5) == SATISFACTORY


def test_dont_know_is_left_out():
    assert question_score([DONT_KNOW, DONT_KNOW, 4]) == 100
    assert question_score([DONT_KNOW, DONT_KNOW]) is None
    assert question_score([]) is None


def test_band_edges_are_the_ccpm_ones():
    assert band(75.01) == STRONG
    assert band(75) == SATISFACTORY
    assert band(51) == SATISFACTORY
    assert band(50) == UNSATISFACTORY
    assert band(26) == UNSATISFACTORY
    assert band(25) == WEAK
    assert band(0) == WEAK
    assert band(None) is None


@given(answers)
def test_a_question_score_is_the_median_of_the_known_answers(values):
    known = [value for value in values if value != DONT_KNOW]
    score = question_score(values)
    if not known:
        assert score is None
    else:
        assert score == statistics.median(known) * 100 / TOP
        assert 25 <= score <= 100


@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=100)), max_size=10))
def test_a_mean_ignores_questions_without_a_score(values):
    known = [value for value in values if value is not None]
    mean = mean_score(values)
    if not known:
        assert mean is None
    else:
        assert min(known) - 1e-9 <= mean <= max(known) + 1e-9


@given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
def test_trend_reads_whole_points(current, previous):
    result = trend(current, previous)
    now, before = whole(current), whole(previous)
    assert result == (UP if now > before else DOWN if now < before else EQUAL)


def test_whole_points_round_half_up_as_the_pages_write_them():
    assert [whole(62.5), whole(87.5), whole(12.5), whole(74.49)] == [63, 88, 13, 74]


def test_trend_without_a_round_before_is_none():
    assert trend(50, None) is None
    assert trend(None, 50) is None


QUESTIONS = [
    QuestionKey(1, effect="impact"),
    QuestionKey(2, effect="impact"),
    QuestionKey(3, effect="coordination"),
    QuestionKey(4, function="advocacy"),
]


def test_fewer_than_three_answers_give_no_score_at_all():
    result = scores(QUESTIONS, {1: [4, 4], 2: [4, 4]}, responses=MIN_RESPONSES - 1)
    assert not result.shown
    assert result.questions == {} and result.effects == {} and result.functions == {}


def test_effects_and_functions_are_the_mean_of_their_questions():
    result = scores(
        QUESTIONS,
        {1: [4, 4, 3], 2: [2, 2, 1], 3: [0, 0, 0], 4: [1, 2, 3]},
        responses=3,
    )
    assert result.shown
    assert result.questions == {1: 100, 2: 50, 3: None, 4: 50}
    assert result.effects == {"impact": 75, "coordination": None}
    assert result.functions == {"advocacy": 50}


@given(st.lists(answers, min_size=4, max_size=4), st.integers(min_value=0, max_value=10))
def test_scores_are_shown_exactly_from_three_responses(values, responses):
    result = scores(QUESTIONS, dict(zip([1, 2, 3, 4], values, strict=True)), responses)
    assert result.shown == (responses >= MIN_RESPONSES)
    for score in [*result.questions.values(), *result.effects.values()]:
        assert score is None or 25 <= score <= 100
