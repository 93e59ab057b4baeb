from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

LOGIN = reverse("account_login")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_login_by_email_and_password(db, client):
    user = UserFactory(email="ana@example.org")
    response = client.post(LOGIN, {"login": "ANA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == user


def test_wrong_password_and_unknown_email_get_the_same_answer(db, client):
    UserFactory(email="ana@example.org")
    wrong = client.post(LOGIN, {"login": "ana@example.org", "password": "nope-nope-nope"})
    unknown = client.post(LOGIN, {"login": "nobody@example.org", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors


def test_repeated_failed_logins_lock_the_account_out(db, client):
    UserFactory(email="ana@example.org")
    for _ in range(5):
        client.post(LOGIN, {"login": "ana@example.org", "password": "wrong-password-1"})
    # Even the right password is refused while the lock lasts.
    response = client.post(LOGIN, {"login": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nobody_can_sign_up_without_an_invitation(db, client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_password_reset_does_not_reveal_who_has_an_account(db, client):
    UserFactory(email="ana@example.org")
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "ana@example.org"})
    unknown = client.post(url, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # The known address receives the reset link; the unknown one a notice, not a link.
    assert [m.to for m in mail.outbox] == [["ana@example.org"], ["nobody@example.org"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_change_password_needs_twelve_characters_and_not_a_common_one(db, client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("account_change_password")
    for weak, message in [("short-pw", "at least 12"), ("password1234", "too common")]:
        response = client.post(url, {"oldpassword": PASSWORD, "password1": weak, "password2": weak})
        assert message in response.content.decode()
    response = client.post(
        url,
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase")


def test_logout_is_a_post(db, client):
    client.force_login(UserFactory())
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("accept", "lang", "text"),
    [
        ("ca", "ca", "Inicia la sessió"),
        ("es-ES,es;q=0.9", "es", "Iniciar sesión"),
        ("en", "en", "Log in"),
    ],
)
def test_the_browsers_language_is_honoured(db, client, settings, accept, lang, text):
    settings.LANGUAGE_CODE = "ca"
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=accept)
    body = response.content.decode()
    assert f'<html lang="{lang}">' in body
    assert text in body


def test_catalan_is_the_default_language(db, client, settings):
    settings.LANGUAGE_CODE = "ca"
    body = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="ca">' in body
    assert "Salta al contingut" in body


def test_the_language_switch_is_remembered_on_the_account_and_in_a_cookie(db, client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/actors/"})
    assert response.status_code == 302
    assert response.url == "/actors/"
    assert client.cookies["django_language"].value == "es"
    user.refresh_from_db()
    assert user.language == "es"
    assert '<html lang="es">' in client.get(reverse("home")).content.decode()


def test_an_unknown_language_changes_nothing(db, client):
    user = UserFactory(language="ca")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    user.refresh_from_db()
    assert user.language == "ca"
    assert "django_language" not in client.cookies


def test_the_language_switch_never_redirects_to_another_site(db, client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"
