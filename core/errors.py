"""The one base of the errors a service raises for a reason the person can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A change refused for a reason the person can act on: its text is shown to them as
    it is, so it is written for them and translated."""
