"""The outcome of a decision: a pure function of the cluster's rule and the stances taken.

DESIGN.md, Consensus. One stance per member entity; quorum is a share of the active member
entities that take positions (observers and institutions do not count). Shares are
compared in whole numbers (count x 100 against percentage x total) so that no rounding
decides a vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext, gettext_lazy, ngettext


class RuleKind(StrEnum):
    CONSENSUS = "consensus"
    CONSENT = "consent"
    CONSENSUS_THEN_MAJORITY = "consensus_then_majority"


class Result(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


class Reason(StrEnum):
    """Why the result is what it is, for the decision record."""

    NO_QUORUM = "no_quorum"
    BLOCKED = "blocked"
    DISAGREEMENT = "disagreement"
    BELOW_THRESHOLD = "below_threshold"
    BELOW_MAJORITY = "below_majority"
    AGREED = "agreed"
    NO_OBJECTION = "no_objection"
    MAJORITY = "majority"


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    quorum: int  # % of the eligible entities that must take a position
    threshold: int = 75  # consensus: % of the positions taken that must agree
    majority: int = 67  # second round: % of the eligible entities that must agree

    def __post_init__(self) -> None:
        for name in ("quorum", "threshold", "majority"):
            if not 0 <= getattr(self, name) <= 100:
                raise ValueError(f"{name} is a percentage between 0 and 100")


@dataclass(frozen=True)
class Tally:
    agree: int = 0
    abstain: int = 0
    disagree: int = 0
    block: int = 0
    eligible: int = 0  # active entities that take positions (lead and members)

    def __post_init__(self) -> None:
        if min(self.agree, self.abstain, self.disagree, self.block, self.eligible) < 0:
            raise ValueError("counts cannot be negative")
        if self.taken > self.eligible:
            raise ValueError("more positions than eligible entities")

    @property
    def taken(self) -> int:
        return self.agree + self.abstain + self.disagree + self.block


@dataclass(frozen=True)
class Outcome:
    result: Result
    reason: Reason
    quorum_reached: bool
    # Under "consensus, then qualified majority": a block stopped the first round, so the
    # coordinator may call a second round.
    second_round_possible: bool = False


def tally_key(tally: Tally) -> str:
    """The counts in one short string ("2-1-0-0-4"), to tell whether they moved."""
    return "-".join(
        str(n) for n in (tally.agree, tally.abstain, tally.disagree, tally.block, tally.eligible)
    )


def at_least(part: int, whole: int, percent: int) -> bool:
    """part / whole >= percent %, in whole numbers."""
    return part * 100 >= percent * whole


def quorum_reached(rule: Rule, tally: Tally) -> bool:
    return (
        tally.eligible > 0
        and tally.taken > 0
        and at_least(tally.taken, tally.eligible, rule.quorum)
    )


def decide(rule: Rule, tally: Tally, *, second_round: bool = False) -> Outcome:
    quorum = quorum_reached(rule, tally)
    if not quorum:
        return Outcome(Result.NO_QUORUM, Reason.NO_QUORUM, quorum_reached=False)
    if second_round:
        if rule.kind != RuleKind.CONSENSUS_THEN_MAJORITY:
            raise ValueError("only 'consensus, then qualified majority' has a second round")
        if at_least(tally.agree, tally.eligible, rule.majority):
            return Outcome(Result.ADOPTED, Reason.MAJORITY, quorum_reached=True)
        return Outcome(Result.REJECTED, Reason.BELOW_MAJORITY, quorum_reached=True)
    if rule.kind == RuleKind.CONSENT:
        if tally.block:
            return Outcome(Result.REJECTED, Reason.BLOCKED, quorum_reached=True)
        if tally.disagree:
            return Outcome(Result.REJECTED, Reason.DISAGREEMENT, quorum_reached=True)
        return Outcome(Result.ADOPTED, Reason.NO_OBJECTION, quorum_reached=True)
    # Consensus, and the first round of consensus-then-majority.
    if tally.block:
        return Outcome(
            Result.REJECTED,
            Reason.BLOCKED,
            quorum_reached=True,
            second_round_possible=rule.kind == RuleKind.CONSENSUS_THEN_MAJORITY,
        )
    if at_least(tally.agree, tally.taken, rule.threshold):
        return Outcome(Result.ADOPTED, Reason.AGREED, quorum_reached=True)
    return Outcome(Result.REJECTED, Reason.BELOW_THRESHOLD, quorum_reached=True)


# In words: the one explanation of an outcome that the decision preview, the decision page
# and the PDF all show, and what an abstention does under each rule. The wording follows
# decide() above line by line: change one, change the other.


def _quorum_words(rule: Rule, tally: Tally) -> str:
    values = {"taken": tally.taken, "eligible": tally.eligible, "quorum": rule.quorum}
    if quorum_reached(rule, tally):
        return (
            ngettext(
                "%(taken)s of %(eligible)s entity took a position; the quorum is %(quorum)s %%, "
                "reached",
                "%(taken)s of %(eligible)s entities took a position; the quorum is %(quorum)s %%, "
                "reached",
                tally.eligible,
            )
            % values
        )
    return (
        ngettext(
            "%(taken)s of %(eligible)s entity took a position; the quorum is %(quorum)s %%, "
            "not reached",
            "%(taken)s of %(eligible)s entities took a position; the quorum is %(quorum)s %%, "
            "not reached",
            tally.eligible,
        )
        % values
    )


def _blocks_words(tally: Tally) -> str:
    if not tally.block:
        return gettext("nobody blocks")
    return ngettext("%(n)s entity blocks", "%(n)s entities block", tally.block) % {"n": tally.block}


def _rule_words(rule: Rule, tally: Tally, second_round: bool) -> str:
    if second_round:
        return ngettext(
            "%(agree)s agree of the %(eligible)s entity that may take a position; the "
            "qualified majority is %(majority)s %%",
            "%(agree)s agree of the %(eligible)s entities that may take a position; the "
            "qualified majority is %(majority)s %%",
            tally.eligible,
        ) % {"agree": tally.agree, "eligible": tally.eligible, "majority": rule.majority}
    if rule.kind == RuleKind.CONSENT:
        if not (tally.block or tally.disagree):
            return gettext("nobody disagrees or blocks")
        objections = [_blocks_words(tally)] if tally.block else []
        if tally.disagree:
            objections.append(
                ngettext("%(n)s entity disagrees", "%(n)s entities disagree", tally.disagree)
                % {"n": tally.disagree}
            )
        return gettext("; ").join(objections)
    agreed = ngettext(
        "%(agree)s agree of %(taken)s position taken; the threshold is %(threshold)s %%",
        "%(agree)s agree of %(taken)s positions taken; the threshold is %(threshold)s %%",
        tally.taken,
    ) % {"agree": tally.agree, "taken": tally.taken, "threshold": rule.threshold}
    return gettext("%(agreed)s; %(blocks)s") % {"agreed": agreed, "blocks": _blocks_words(tally)}


_CONCLUSIONS = {
    Reason.NO_QUORUM: gettext_lazy("Without the quorum nothing is decided."),
    Reason.BLOCKED: gettext_lazy("A block stops the proposal: it is rejected."),
    Reason.DISAGREEMENT: gettext_lazy(
        "Under consent any disagreement stops the proposal: it is rejected."
    ),
    Reason.BELOW_THRESHOLD: gettext_lazy("Not enough agree: it is rejected."),
    Reason.BELOW_MAJORITY: gettext_lazy("The qualified majority is not reached: it is rejected."),
    Reason.AGREED: gettext_lazy("Enough agree and nobody blocks: it is adopted."),
    Reason.NO_OBJECTION: gettext_lazy("Nobody objects: it is adopted."),
    Reason.MAJORITY: gettext_lazy("The qualified majority is reached: it is adopted."),
}


def explain(rule: Rule, tally: Tally, *, second_round: bool = False) -> str:
    """Why decide() finds what it finds, in the reader's language: "3 of 4 entities took a
    position; the quorum is 50 %, reached. 2 agree of 3 positions taken; the threshold is
    75 %; nobody blocks. Not enough agree: it is rejected." """
    outcome = decide(rule, tally, second_round=second_round)
    parts = [_quorum_words(rule, tally)]
    if outcome.quorum_reached:
        parts.append(_rule_words(rule, tally, second_round))
    sentences = [part[:1].upper() + part[1:] + "." for part in parts]
    sentences.append(str(_CONCLUSIONS[outcome.reason]))
    if outcome.second_round_possible:
        sentences.append(gettext("The coordinator may call a second round by qualified majority."))
    return " ".join(sentences)


def abstain_effect(rule: Rule, *, second_round: bool = False) -> str:
    """What abstaining does under the rule, as decide() counts it."""
    if second_round:
        return gettext(
            "Abstaining counts towards the quorum, but the qualified majority of "
            "%(majority)s %% is counted over every entity that may take a position: an "
            "abstention weighs like a disagreement."
        ) % {"majority": rule.majority}
    if rule.kind == RuleKind.CONSENT:
        return gettext(
            "Abstaining counts towards the quorum and does not stop the proposal: under "
            "consent only a disagreement or a block does."
        )
    return gettext(
        "Abstaining counts as a position taken, towards the quorum, but not as agree: "
        "%(threshold)s %% of the positions taken must agree, so an abstention weighs "
        "against the proposal, without blocking it."
    ) % {"threshold": rule.threshold}
