"""make backup / make restore: the demo goes out and comes back with nothing lost."""

from __future__ import annotations

import importlib
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
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
    for module in ("actors.migrations.0002_thematic_areas", "rights.migrations.0002_catalogue"):
        migration = importlib.import_module(module)
        loader = migration.Migration.operations[0].code
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
