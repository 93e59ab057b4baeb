"""The decision outcome, on its own: every rule, quorum edges, ties, no stances."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning.consensus import Reason, Result, Rule, RuleKind, Tally, decide

CONSENSUS = Rule(RuleKind.CONSENSUS, quorum=50, threshold=75)
CONSENT = Rule(RuleKind.CONSENT, quorum=50)
TWO_ROUNDS = Rule(RuleKind.CONSENSUS_THEN_MAJORITY, quorum=50, threshold=75, majority=67)


@pytest.mark.parametrize(
    ("rule", "tally", "result", "reason"),
    [
        # Quorum: 5 of 10 is exactly 50%.
        (CONSENSUS, Tally(agree=5, eligible=10), Result.ADOPTED, Reason.AGREED),
        (CONSENSUS, Tally(agree=4, eligible=10), Result.NO_QUORUM, Reason.NO_QUORUM),
        # No stance at all, and no eligible entity.
        (CONSENSUS, Tally(eligible=10), Result.NO_QUORUM, Reason.NO_QUORUM),
        (CONSENSUS, Tally(eligible=0), Result.NO_QUORUM, Reason.NO_QUORUM),
        # Threshold: 3 of 4 is exactly 75%; abstaining counts as taken, not as agreeing.
        (CONSENSUS, Tally(agree=3, disagree=1, eligible=4), Result.ADOPTED, Reason.AGREED),
        (CONSENSUS, Tally(agree=3, abstain=2, eligible=5), Result.REJECTED, Reason.BELOW_THRESHOLD),
        # A tie is below any threshold over 50%.
        (
            CONSENSUS,
            Tally(agree=2, disagree=2, eligible=4),
            Result.REJECTED,
            Reason.BELOW_THRESHOLD,
        ),
        # One block is enough.
        (CONSENSUS, Tally(agree=9, block=1, eligible=10), Result.REJECTED, Reason.BLOCKED),
        # Consent: adopted when nobody objects, abstentions included.
        (CONSENT, Tally(abstain=6, eligible=10), Result.ADOPTED, Reason.NO_OBJECTION),
        (CONSENT, Tally(agree=9, disagree=1, eligible=10), Result.REJECTED, Reason.DISAGREEMENT),
        (CONSENT, Tally(agree=9, block=1, eligible=10), Result.REJECTED, Reason.BLOCKED),
        (CONSENT, Tally(agree=4, eligible=10), Result.NO_QUORUM, Reason.NO_QUORUM),
    ],
)
def test_outcomes(rule, tally, result, reason):
    outcome = decide(rule, tally)
    assert (outcome.result, outcome.reason) == (result, reason)
    assert outcome.quorum_reached == (result != Result.NO_QUORUM)


def test_a_block_opens_the_second_round_only_under_consensus_then_majority():
    tally = Tally(agree=8, block=1, eligible=10)
    assert decide(TWO_ROUNDS, tally).second_round_possible
    assert not decide(CONSENSUS, tally).second_round_possible


@pytest.mark.parametrize(
    ("agree", "result"),
    [(7, Result.ADOPTED), (6, Result.REJECTED)],  # 67% of 10 entities is 6.7
)
def test_the_second_round_is_a_qualified_majority_of_the_members(agree, result):
    tally = Tally(agree=agree, block=10 - agree, eligible=10)
    assert decide(TWO_ROUNDS, tally, second_round=True).result == result


def test_only_the_two_round_rule_has_a_second_round():
    with pytest.raises(ValueError):
        decide(CONSENSUS, Tally(agree=5, eligible=5), second_round=True)


@pytest.mark.parametrize("bad", [dict(agree=-1, eligible=3), dict(agree=4, eligible=3)])
def test_impossible_tallies_are_refused(bad):
    with pytest.raises(ValueError):
        Tally(**bad)


def test_every_small_tally_under_every_rule_is_decided_consistently():
    """Exhaustive over up to 6 entities: quorum, blocks and thresholds never contradict."""
    rules = [
        Rule(kind, quorum=q, threshold=t, majority=m)
        for kind in RuleKind
        for q, t, m in [(1, 50, 50), (50, 75, 67), (100, 100, 100)]
    ]
    for eligible in range(0, 7):
        for counts in itertools.product(range(eligible + 1), repeat=4):
            if sum(counts) > eligible:
                continue
            tally = Tally(*counts, eligible=eligible)
            for rule in rules:
                outcome = decide(rule, tally)
                enough = tally.taken > 0 and tally.taken * 100 >= rule.quorum * eligible
                assert (outcome.result != Result.NO_QUORUM) == enough
                if outcome.result == Result.ADOPTED:
                    assert tally.block == 0
                    if rule.kind == RuleKind.CONSENT:
                        assert tally.disagree == 0


tallies = st.integers(0, 40).flatmap(
    lambda eligible: st.tuples(
        st.just(eligible),
        st.lists(st.sampled_from(["agree", "abstain", "disagree", "block"]), max_size=eligible),
    )
)
rules = st.builds(
    Rule,
    kind=st.sampled_from(list(RuleKind)),
    quorum=st.integers(0, 100),
    threshold=st.integers(0, 100),
    majority=st.integers(0, 100),
)


def tally_of(eligible: int, stances: list[str]) -> Tally:
    return Tally(
        **{s: stances.count(s) for s in ("agree", "abstain", "disagree", "block")},
        eligible=eligible,
    )


@given(rules, tallies)
def test_turning_an_objection_into_agreement_never_loses_adoption(rule, data):
    eligible, stances = data
    before = decide(rule, tally_of(eligible, stances))
    for objection in ("disagree", "block", "abstain"):
        if objection in stances:
            changed = list(stances)
            changed[changed.index(objection)] = "agree"
            after = decide(rule, tally_of(eligible, changed))
            if before.result == Result.ADOPTED:
                assert after.result == Result.ADOPTED


@given(rules, tallies)
def test_adding_a_block_never_adopts(rule, data):
    eligible, stances = data
    if len(stances) == eligible:
        return
    with_block = decide(rule, tally_of(eligible, [*stances, "block"]))
    assert with_block.result != Result.ADOPTED


@given(rules, tallies)
def test_the_outcome_depends_only_on_the_counts(rule, data):
    eligible, stances = data
    assert decide(rule, tally_of(eligible, stances)) == decide(
        rule, tally_of(eligible, sorted(stances))
    )
