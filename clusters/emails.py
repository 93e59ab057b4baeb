"""Emails to the people of a cluster's entities."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User


def send_to_each(people: Iterable[User], template: str, context: dict) -> int:
    """One message per person (the addresses of other entities stay private), each in the
    person's language, from ``<template>_subject.txt`` and ``<template>_body.txt``.
    Returns how many were sent."""
    messages = []
    for person in people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"{template}_subject.txt", context)
            body = render_to_string(f"{template}_body.txt", context)
        messages.append(EmailMessage(" ".join(subject.split()), body, None, [person.email]))
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
