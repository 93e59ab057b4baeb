"""A person's own data, across the apps: what the platform holds about them (the export),
why their account cannot be deleted yet (the refusals), and what deleting it forgets.

The rows that hold a person's data live in many apps, and accounts is the lowest of them:
it may import none. So each app says what it holds about a person in a ``Part`` of its own
(``<app>/personal_data.py``, registered in its ``AppConfig.ready``), and accounts walks the
parts: each app keeps the knowledge of its own models, and no app reaches above itself.
Parts run in the order the apps are installed, which is the order of the layering.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class Former:
    """How the person is named once their account is gone: by the entities they
    represented (and so the entity's positions, reports and decisions keep saying whose
    they were), or as a former coordinator when they represented none."""

    entities: list[str] = field(default_factory=list)
    coordinator: bool = False


def _nothing(user: User) -> dict[str, Any]:
    return {}


def _no_refusals(user: User) -> list[str]:
    return []


def _keep(user: User, former: Former) -> None:
    return None


@dataclass(frozen=True)
class Part:
    """What one app holds about a person.

    ``export``: sections of the download, ``{name: JSON value}``, read in a fixed number
    of queries whatever the number of rows. ``refusals``: why the account cannot be
    deleted yet, in words that say what to do first. ``describe``: fills in how the person
    will be named afterwards. ``forget``: removes what the app holds that names or
    identifies the person (rows that are an entity's or a cluster's stay, pointing at the
    emptied account)."""

    app: str
    export: Callable[[User], dict[str, Any]] = _nothing
    refusals: Callable[[User], list[str]] = _no_refusals
    describe: Callable[[User, Former], None] = _keep
    forget: Callable[[User, Former], None] = _keep


_parts: dict[str, Part] = {}


def register(part: Part) -> None:
    """Called from an app's ``ready()``; registering again replaces (tests, reloads)."""
    _parts[part.app] = part


def parts() -> list[Part]:
    return list(_parts.values())


EMAIL = re.compile(r"[^@\s<>\"'(),;:]+@[^@\s<>\"'(),;:]+\.[A-Za-z]{2,}")
HIDDEN = "—"


def without_emails(value: Any, keep: str = "") -> Any:
    """A JSON value with every email address in it hidden, but ``keep`` (the person's
    own): what the export shows of other people is never their address."""
    if isinstance(value, dict):
        return {key: without_emails(item, keep) for key, item in value.items()}
    if isinstance(value, list):
        return [without_emails(item, keep) for item in value]
    if isinstance(value, str):
        return EMAIL.sub(lambda m: m.group(0) if m.group(0).lower() == keep else HIDDEN, value)
    return value


def without_words(value: Any, words: list[str]) -> Any:
    """A JSON value with each of ``words`` (a person's address and name) hidden, in any
    case, wherever it appears in a text."""
    words = [word for word in words if word]
    if not words:
        return value
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return _replace(value, pattern)


def _replace(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, dict):
        return {key: _replace(item, pattern) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, pattern) for item in value]
    if isinstance(value, str):
        return pattern.sub(HIDDEN, value)
    return value


def rows(queryset: Any, **columns: str) -> list[dict[str, Any]]:
    """The rows of ``queryset`` as ``{column: value}``, each column read from a lookup
    (``cluster="proposal__cluster__name"``), all in one query."""
    from django.db.models import F

    # Read under names of their own: a column may be named like a field of the model.
    aliases = {f"personal_{name}": F(lookup) for name, lookup in columns.items()}
    return [
        {name: row[f"personal_{name}"] for name in columns} for row in queryset.values(**aliases)
    ]
