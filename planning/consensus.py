"""The outcome of a decision: a pure function of the cluster's rule and the stances taken.

DESIGN.md, Consensus. One stance per member entity; quorum is a share of the active member
entities that take positions (observers and institutions do not count). Shares are
compared in whole numbers (count x 100 against percentage x total) so that no rounding
decides a vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
