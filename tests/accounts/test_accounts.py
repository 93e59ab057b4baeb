from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
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


def test_the_language_of_the_account_follows_the_person_to_a_new_browser(db, client):
    UserFactory(email="ana@example.org", language="es")
    response = client.post(LOGIN, {"login": "ana@example.org", "password": PASSWORD})
    assert response.cookies["django_language"].value == "es"
    home = client.get(reverse("home")).content.decode()
    assert '<html lang="es">' in home


def test_without_a_language_saved_the_browsers_choice_stays(db, client):
    UserFactory(email="ana@example.org", language="")
    client.cookies["django_language"] = "en"
    response = client.post(LOGIN, {"login": "ana@example.org", "password": PASSWORD})
    assert "django_language" not in response.cookies
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_wrong_password_and_unknown_email_get_the_same_answer(db, client):
    UserFactory(email="ana@example.org")
    wrong = client.post(LOGIN, {"login": "ana@example.org", "password": "nope-nope-nope"})
    unknown = client.post(LOGIN, {"login": "nobody@example.org", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors


LOCKED = "Too many failed attempts to log in to this account from here."


def fail_five_times(client, address: str = "ana@example.org", **extra) -> None:
    for _ in range(5):
        client.post(LOGIN, {"login": address, "password": "wrong-password-1"}, **extra)


def test_repeated_failed_logins_lock_the_account_out_from_that_client(db, client):
    UserFactory(email="ana@example.org")
    fail_five_times(client)
    # Even the right password is refused while the lock lasts, and the page says what to do.
    response = client.post(LOGIN, {"login": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 200
    page = response.content.decode()
    assert LOCKED in page and "Wait five minutes" in page
    assert f'href="{reverse("account_reset_password")}"' in page
    assert "_auth_user_id" not in client.session


def test_failing_on_purpose_elsewhere_does_not_lock_the_person_out(db, client):
    """Someone who types Ana's address with wrong passwords from their own computer locks
    out only that computer."""
    UserFactory(email="ana@example.org")
    fail_five_times(client, REMOTE_ADDR="203.0.113.66")
    ana = client.post(
        LOGIN, {"login": "ana@example.org", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert ana.status_code == 302 and ana.url == reverse("home")
    attacker = Client()
    tried = attacker.post(
        LOGIN, {"login": "ana@example.org", "password": PASSWORD}, REMOTE_ADDR="203.0.113.66"
    )
    assert LOCKED in tried.content.decode()


def test_behind_the_proxy_each_client_is_told_apart_by_its_forwarded_address(db, client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(email="ana@example.org")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail_five_times(client, HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    ana = Client().post(
        LOGIN,
        {"login": "ana@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert ana.status_code == 302


def test_a_new_password_lets_the_locked_out_person_in_at_once(db, client):
    UserFactory(email="ana@example.org")
    fail_five_times(client)
    client.post(reverse("account_reset_password"), {"email": "ana@example.org"})
    link = next(w for w in mail.outbox[-1].body.split() if "/password/reset/key/" in w)
    form_page = client.get(link, follow=True)
    new = "another-long-password-77"
    client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    response = client.post(LOGIN, {"login": "ana@example.org", "password": new})
    assert response.status_code == 302, "the lock went with the old password"


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


def test_the_language_cookie_of_the_settings_page_is_as_safe_as_the_session_cookie(
    db, client, settings
):
    settings.SESSION_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = True  # as in production
    client.force_login(UserFactory())
    data = {"first_name": "Ana", "last_name": "", "language": "es", "notify_by_email": "on"}
    client.post(reverse("preferences"), data, secure=True)
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
