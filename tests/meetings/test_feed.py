"""The private iCalendar feed, read back as a calendar application reads it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from accounts import services as account_services
from tests.clock import MADRID
from tests.conftest import World
from tests.meetings.calendar_data import schedule, second_cluster
from tests.test_permissions import OTHER_CLUSTER_SECRETS


def feed_of(world: World, person: str = "member") -> str:
    user = world.users[person]
    token = user.calendar_token or account_services.calendar_feed_renew(user=user)
    user.calendar_token = token
    return reverse("meetings:feed", args=[token])


def parsed(world: World, url: str) -> Calendar:
    response = world.client("anonymous").get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_feed_parses_back_with_its_events(world: World):
    schedule(world.cluster, world.users["coordinator"])
    calendar = parsed(world, feed_of(world))
    assert str(calendar["version"]) == "2.0"
    assert world.users["member"].display_name in str(calendar["x-wr-calname"])
    found = events(calendar)
    assert "Assembly of the cluster" in found
    assert "Positions close: Shared emergency housing fund" in found
    assert any(title.startswith("Reports due") for title in found)
    assert any(title.startswith("Reporting period") for title in found)
    assert f"Joint action ends: {world.action.title}" in found
    meeting = found["Assembly of the cluster"]
    assert str(meeting["url"]).startswith("http")
    assert "Housing rights cluster" in str(meeting["description"])


def test_meetings_carry_their_zone_and_steps_are_all_day(world: World):
    schedule(world.cluster, world.users["coordinator"])
    response = world.client("anonymous").get(feed_of(world))
    text = response.content.decode()
    assert "DTSTART;TZID=Europe/Madrid:" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Madrid" in text
    found = events(Calendar.from_ical(response.content))
    starts = found["Assembly of the cluster"]["dtstart"]
    assert starts.params["TZID"] == "Europe/Madrid"
    assert starts.dt.hour == 10
    action_end = found[f"Joint action ends: {world.action.title}"]["dtstart"]
    assert action_end.params.get("VALUE") == "DATE"
    assert type(action_end.dt) is date and action_end.dt == world.action.end


def test_a_meeting_across_the_change_of_summer_time_keeps_its_local_hour(world: World):
    """Scheduled in summer time for a day after the clocks go back (25 October 2026): at
    10:00 in Madrid, which is 09:00 UTC then, not 08:00."""
    winter = datetime(2026, 10, 27, 10, 0, tzinfo=MADRID)
    schedule(world.cluster, world.users["coordinator"], title="Autumn assembly", starts_at=winter)
    summer = datetime(2026, 6, 2, 10, 0, tzinfo=MADRID)
    schedule(world.cluster, world.users["coordinator"], title="June assembly", starts_at=summer)
    found = events(parsed(world, feed_of(world)))
    autumn = found["Autumn assembly"]["dtstart"].dt
    june = found["June assembly"]["dtstart"].dt
    assert (autumn.hour, june.hour) == (10, 10)
    assert autumn.utcoffset() == timedelta(hours=1)
    assert june.utcoffset() == timedelta(hours=2)
    assert autumn.astimezone(MADRID).hour == 10


def test_unknown_token_is_404(world: World):
    assert world.client("anonymous").get(reverse("meetings:feed", args=["nope"])).status_code == 404


def test_revoked_token_is_404(world: World):
    url = feed_of(world)
    response = world.client("member").post(reverse("meetings:feed-revoke"))
    assert response.status_code == 302 and response.url == reverse("preferences")
    assert world.client("anonymous").get(url).status_code == 404
    world.users["member"].refresh_from_db()
    assert world.users["member"].calendar_token is None


def test_renewed_token_old_404_new_200(world: World):
    old = feed_of(world)
    response = world.client("member").post(reverse("meetings:feed-renew"))
    assert response.status_code == 302
    world.users["member"].refresh_from_db()
    new = reverse("meetings:feed", args=[world.users["member"].calendar_token])
    assert new != old
    assert world.client("anonymous").get(old).status_code == 404
    assert world.client("anonymous").get(new).status_code == 200


def test_renew_and_revoke_only_take_posts(world: World):
    client = world.client("member")
    assert client.get(reverse("meetings:feed-renew")).status_code == 405
    assert client.get(reverse("meetings:feed-revoke")).status_code == 405


def test_another_clusters_secrets_are_never_in_the_feed(world: World):
    second_cluster(world)
    body = world.client("anonymous").get(feed_of(world)).content.decode()
    assert "Assembly of the second cluster" in body
    unfolded = body.replace("\r\n ", "")
    for secret in OTHER_CLUSTER_SECRETS:
        assert secret not in unfolded
    assert "Secret" not in unfolded


def test_institution_feed_has_nothing_of_the_cluster(world: World):
    schedule(world.cluster, world.users["coordinator"])
    calendar = parsed(world, feed_of(world, "institution"))
    assert calendar.walk("VEVENT") == []


def test_feed_speaks_the_language_of_its_owner(world: World):
    member = world.users["member"]
    member.language = "ca"
    member.save(update_fields=["language"])
    found = events(parsed(world, feed_of(world)))
    with translation.override("ca"):
        closes = gettext("Positions close: %(title)s") % {"title": world.proposal.title}
        period = gettext("Reporting period %(period)s") % {"period": "2026 T2"}
    assert closes in found
    assert period in found  # "2026 T2": the quarter as Catalan writes it


def test_preferences_page_shows_the_feed_address(world: World, settings):
    client = world.client("member")
    body = client.get(reverse("preferences")).content.decode()
    assert reverse("meetings:feed-renew") in body
    assert "No feed yet." in body
    client.post(reverse("meetings:feed-renew"))
    world.users["member"].refresh_from_db()
    body = client.get(reverse("preferences")).content.decode()
    address = settings.SITE_URL + reverse(
        "meetings:feed", args=[world.users["member"].calendar_token]
    )
    assert f'value="{address}"' in body and "readonly" in body
    assert reverse("meetings:feed-revoke") in body


def test_feed_reads_a_fixed_number_of_queries(world: World, django_assert_num_queries):
    url = feed_of(world)
    second_cluster(world)
    client = world.client("anonymous")
    # The person by their secret (1), their clusters (1), the six sources (6).
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
