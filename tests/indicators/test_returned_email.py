"""A member's representatives hear back when their report is returned: the reason, and a
link to correct it, in each person's language."""

from __future__ import annotations

from django.core import mail

from accounts.models import User
from indicators import notifications, services
from tests.conftest import World


def test_the_entitys_people_are_emailed_the_reason_in_their_language(
    world: World, django_capture_on_commit_callbacks
):
    User.objects.filter(email="representative@example.org").update(language="ca")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(
            report=world.report, by=world.users["coordinator"], reason="The total is missing"
        )
    sent = {message.to[0]: message for message in mail.outbox}
    assert sorted(sent) == ["member@example.org", "representative@example.org"]
    english, catalan = sent["member@example.org"], sent["representative@example.org"]
    assert "The total is missing" in english.body and "The total is missing" in catalan.body
    assert "was returned" in english.subject
    assert "was returned" not in catalan.subject and "S'ha retornat" in catalan.subject
    edit = f"/c/{world.cluster.slug}/reporting/{world.indicator.pk}/{world.period.pk}/"
    assert edit in english.body


def test_a_report_submitted_again_meanwhile_is_not_emailed_about(world: World):
    services.report_return(report=world.report, by=world.users["coordinator"], reason="Check")
    services.report_save(
        indicator=world.indicator,
        period=world.period,
        membership=world.member_membership,
        by=world.users["member"],
        cells={"sex=female": 6, "sex=male": 4, "sex=nonbinary": 1},
        total=None,
        submit=True,
    )
    mail.outbox.clear()
    assert notifications.report_returned(world.report.pk) == 0
    assert mail.outbox == []
