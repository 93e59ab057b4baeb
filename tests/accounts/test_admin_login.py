"""The admin has no login form of its own: staff log in through the site's login page,
which is rate-limited and locks out after failed attempts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)


def test_the_admin_sends_people_to_the_site_login_page(client, staff):
    response = client.get(f"{ADMIN_LOGIN}?next=/admin/clusters/cluster/")
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/admin/clusters/cluster/"
    index = client.get(reverse("admin:index"), follow=True)
    assert index.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_credentials_posted_to_the_admin_log_nobody_in(client, staff):
    response = client.post(ADMIN_LOGIN, {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_staff_logged_in_on_the_site_reach_the_admin(client, staff):
    client.force_login(staff)
    response = client.get(f"{ADMIN_LOGIN}?next=/admin/clusters/cluster/")
    assert response.url == "/admin/clusters/cluster/"
    assert client.get(ADMIN_LOGIN).url == reverse("admin:index")
    assert client.get(f"{ADMIN_LOGIN}?next=https://evil.example.org/").url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_people_who_are_not_staff_are_refused(client, db):
    client.force_login(UserFactory(email="member@example.org"))
    assert client.get(ADMIN_LOGIN).status_code == 403
