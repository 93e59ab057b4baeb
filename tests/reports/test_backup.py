"""make backup / make restore: the demo goes out and comes back with nothing lost."""

from __future__ import annotations

import contextlib
import importlib
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as settings_module
from django.core.management import CommandError, call_command
from django.db import connection

from actors.models import Actor, ThematicArea
from clusters.models import AuditEntry, Cluster
from reports.models import ReportJob
from rights.models import Evidence
from tests.conftest import build_world

needs_tools = pytest.mark.skipif(
    connection.vendor == "postgresql" and not shutil.which("pg_dump"),
    reason="needs pg_dump and pg_restore (postgresql-client)",
)


def every_row() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def media_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def reload_catalogues() -> None:
    """An earlier transactional test ends by emptying every table, the catalogues that
    migrations load included (thematic areas, rights, SDGs): load them again."""
    if ThematicArea.objects.exists():
        return
    for module in (
        "actors.migrations.0002_thematic_areas",
        "rights.migrations.0002_catalogue",
        "rights.migrations.0008_full_catalogue_general_comments_references",
    ):
        migration = importlib.import_module(module)
        loader = migration.Migration.operations[-1].code  # the data, after any schema
        loader(apps, None)


@needs_tools
@pytest.mark.django_db(transaction=True)
def test_the_demo_survives_a_backup_and_a_restore(settings, tmp_path):
    reload_catalogues()
    call_command("seed_demo", force=True, stdout=StringIO())
    build_world()  # evidence files and a published report in the media folder
    media = Path(settings.MEDIA_ROOT)
    rows, files = every_row(), media_files(media)
    assert files and rows["clusters.Cluster"] >= 3

    call_command("backup", to=str(tmp_path / "backup"), stdout=StringIO())
    # Disaster: rows lost, a stray row added, the files gone.
    AuditEntry.objects.all().delete()
    Evidence.objects.all().delete()
    ReportJob.objects.all().delete()
    Actor.objects.create(name="Stray entity", slug="stray", kind="ngo")
    shutil.rmtree(media)
    assert every_row() != rows

    call_command("restore", str(tmp_path / "backup"), yes=True, stdout=StringIO())
    assert every_row() == rows
    assert media_files(media) == files
    assert Cluster.objects.get(slug="housing").name == "Housing rights cluster"


@pytest.mark.django_db
def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(tmp_path), yes=True, stdout=StringIO())
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("restore", str(tmp_path / "nowhere"), yes=True, stdout=StringIO())


def small_backup(folder: Path) -> Path:
    """A backup folder as `make backup` writes it on SQLite, with one marked table."""
    folder.mkdir()
    with sqlite3.connect(folder / "database.sqlite3") as database:
        database.execute("CREATE TABLE marker (name TEXT)")
        database.execute("INSERT INTO marker VALUES ('from the backup')")
    source = folder / "files" / "media" / "evidence"
    source.mkdir(parents=True)
    (source / "census.pdf").write_bytes(b"%PDF-1.4 census")
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        archive.add(folder / "files" / "media", arcname="media")
    return folder


def restore_env(tmp_path: Path) -> dict[str, str]:
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return {
        **keep,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }


def restored(tmp_path: Path) -> bool:
    with sqlite3.connect(tmp_path / "live.sqlite3") as database:
        tables = database.execute("SELECT name FROM sqlite_master WHERE name = 'marker'")
        return tables.fetchone() is not None


def test_make_restore_without_a_terminal_needs_yes_and_then_restores(tmp_path):
    """Piped or run by a script, it does not ask (nobody could answer) and does not crash:
    it says to add YES=1, changes nothing, and with YES=1 restores."""
    backup = small_backup(tmp_path / "backup")

    def make_restore(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", "--no-print-directory", "restore", f"BACKUP={backup}", *extra],
            cwd=settings_module.BASE_DIR,
            env=restore_env(tmp_path),
            stdin=subprocess.DEVNULL,  # no terminal
            capture_output=True,
            text=True,
            timeout=300,
        )

    refused = make_restore()

    assert refused.returncode != 0
    assert "standard input is not a terminal" in refused.stderr
    assert "YES=1" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "live.sqlite3").exists() or not restored(tmp_path)

    assert "standard input is not a terminal" in make_restore("YES=0").stderr, "0 is no"
    done = make_restore("YES=1")

    assert done.returncode == 0, done.stderr
    assert restored(tmp_path)
    assert (tmp_path / "media" / "evidence" / "census.pdf").read_bytes() == b"%PDF-1.4 census"


def test_at_a_terminal_restore_asks_and_a_no_changes_nothing(tmp_path):
    backup = small_backup(tmp_path / "backup")
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "restore", str(backup)],
        cwd=settings_module.BASE_DIR,
        env=restore_env(tmp_path),
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
    )
    os.close(secondary)
    seen = b""
    while b"Go on? [y/N]" not in seen:
        chunk = os.read(main, 1024)
        assert chunk, seen
        seen += chunk
    os.write(main, b"n\n")
    assert process.wait(timeout=60) != 0
    with contextlib.suppress(OSError):  # the terminal closes with the process
        seen += os.read(main, 4096)
    os.close(main)
    assert b"Nothing was changed." in seen
    assert not (tmp_path / "live.sqlite3").exists() or not restored(tmp_path)
