"""The meetings' entries in the cluster's audit log read in the reader's words."""

from __future__ import annotations

from clusters.audit import details_of
from clusters.models import AuditEntry
from meetings.models import Meeting


def entry(**data) -> AuditEntry:
    return AuditEntry(object_type="meetings.meeting", action="x", data=data)


def test_how_minutes_were_approved_reads_as_words():
    [line] = details_of(entry(kind=Meeting.Approval.CONSENT))
    assert str(line) == "Kind: by consent of the member entities"


def test_an_agenda_items_answer_reads_as_words():
    [outcome, title] = details_of(entry(title="The fund", outcome="declined"))
    assert str(title) == "Title: The fund" and str(outcome) == "Outcome: Not taken"


def test_attendance_answers_read_as_words():
    [line] = details_of(entry(entity="Neighbours", values={"Jordi": ["", "yes"]}))[1:]
    assert str(line) == "Values: Jordi: — → Will attend"


def test_a_close_lists_its_decisions_and_tasks():
    lines = details_of(entry(attended=3, decision=["The fund"], added=["Write the rules"]))
    assert [str(line) for line in lines] == [
        "Added: Write the rules",
        "People of the entities who attended: 3",
        "Decision: The fund",
    ]
