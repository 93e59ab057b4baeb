"""The full address of a person's calendar feed, for the settings page."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def feed_url(user) -> str:
    """The secret address calendar applications subscribe to, or "" without a feed."""
    token = getattr(user, "calendar_token", None)
    if not token:
        return ""
    try:
        return settings.SITE_URL + reverse("meetings:feed", args=[token])
    except NoReverseMatch:  # not a secret the service made: none to show
        return ""
