from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

PASSWORD = "a-long-admin-chosen-passphrase"


def test_a_site_admin_adds_a_person_with_a_lowercased_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.org",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="new.person@example.org").check_password(PASSWORD)


def test_an_email_differing_only_in_case_is_refused_with_a_clear_message(admin_client):
    UserFactory(email="taken@example.org")
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "TAKEN@example.org",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_the_admin_change_page_of_a_person_opens(admin_client):
    person = UserFactory()
    url = reverse("admin:accounts_user_change", args=[person.pk])
    assert admin_client.get(url).status_code == 200
