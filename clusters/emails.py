"""Emails to the people of a cluster's entities: plain text, in each person's language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User


def render_email(template: str, context: dict, language: str) -> tuple[str, str]:
    """The subject (one line) and the body of ``<template>_subject.txt`` and
    ``<template>_body.txt`` in the language, rendered as text: nothing is HTML-escaped."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context, using="text")
        body = render_to_string(f"{template}_body.txt", context, using="text")
    return " ".join(subject.split()), body


# A file attached to an email: (file name, content, MIME type).
Attachment = tuple[str, bytes, str]


def send_to_each(
    people: Iterable[User],
    template: str,
    context: dict,
    attachments: Sequence[Attachment] = (),
) -> int:
    """One message per person (the addresses of other entities stay private), each in the
    person's language, with the same attachments. Returns how many were sent."""
    messages = []
    for person in people:
        subject, body = render_email(template, context, person.language or settings.LANGUAGE_CODE)
        message = EmailMessage(subject, body, None, [person.email])
        for attachment in attachments:
            message.attach(*attachment)
        messages.append(message)
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
