"""Catalan and Spanish catalogues are complete: every marked string has a translation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ca", "es")


def untranslated(po_file: Path, language: str) -> list[str]:
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    po_file = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    assert untranslated(po_file, language) == []


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="makemessages needs GNU gettext (apt-get install gettext)",
)
def test_makemessages_finds_no_new_string(tmp_path):
    """Extract the strings again from a copy of the project: nothing may be left untranslated."""
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "media", "staticfiles", "*.sqlite3", "__pycache__"
    )
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=ignore)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-l", "ca", "-l", "es"],
        cwd=copy,
        env={"PATH": shutil.os.environ["PATH"], "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for language in LANGUAGES:
        po_file = copy / "locale" / language / "LC_MESSAGES" / "django.po"
        assert untranslated(po_file, language) == [], language
