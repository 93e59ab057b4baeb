"""The Content Security Policy allows nothing inline, so no page may carry an inline
script, an event handler attribute or a style attribute: every page of the permission
matrix is crawled as the coordinator and as a member, and the admin as staff."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.html_forms import Paths, html_pages

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def inline_code(html: str) -> list[str]:
    found = []
    for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
        found += [match.group(0)[:120] for match in pattern.finditer(html)]
    return found


@pytest.mark.parametrize("person", ["coordinator", "member"])
def test_no_page_carries_inline_code_and_each_sends_the_policy(world: World, person: str):
    checked = 0
    for name, response in html_pages(world, person, Paths(world)):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy, name
        assert inline_code(response.content.decode()) == [], name
        checked += 1
    assert checked > 30


def test_the_admin_pages_carry_no_inline_code(admin_client, world: World):
    for name in (
        "admin:index",
        "admin:planning_jointaction_changelist",
        "admin:planning_jointaction_add",
    ):
        response = admin_client.get(reverse(name))
        assert "Content-Security-Policy" in response, name
        assert inline_code(response.content.decode()) == [], name
