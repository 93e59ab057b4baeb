"""Backup and restore of the whole platform: the database and the media files.

A backup is a folder holding ``database.dump`` (pg_dump's custom format, on PostgreSQL) or
``database.sqlite3`` (SQLite's own online backup, consistent while the site runs), and
``media.tar.gz`` (evidence files and PDF reports). Restore replaces the database and the
media folder with the backup's.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection

DUMP = "database.dump"
SQLITE = "database.sqlite3"
MEDIA = "media.tar.gz"


class BackupError(Exception):
    pass


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "localhost", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = {"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {}
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env})
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def backup(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if connection.vendor == "postgresql":
        args, env = _pg_args()
        target = folder / DUMP
        name = connection.settings_dict["NAME"]
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(target), name], env)
    elif connection.vendor == "sqlite":
        target = folder / SQLITE
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
    else:
        raise BackupError(f"No backup for the {connection.vendor} database.")
    written.append(target)
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    written.append(folder / MEDIA)
    return written


def restore(folder: Path) -> None:
    if not (folder / MEDIA).exists():
        raise BackupError(f"{folder} holds no {MEDIA}: not a backup of this platform.")
    if connection.vendor == "postgresql":
        if not (folder / DUMP).exists():
            raise BackupError(f"{folder} holds no {DUMP} (a PostgreSQL backup).")
        args, env = _pg_args()
        connection.close()
        _run(
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                connection.settings_dict["NAME"],
                str(folder / DUMP),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        if not (folder / SQLITE).exists():
            raise BackupError(f"{folder} holds no {SQLITE} (a SQLite backup).")
        connection.ensure_connection()
        with sqlite3.connect(folder / SQLITE) as source:
            source.backup(connection.connection)
    else:
        raise BackupError(f"No restore for the {connection.vendor} database.")
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    media.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        # The archive holds one folder, "media": extracted next to MEDIA_ROOT, then named.
        staging = media.parent / f".restore-{media.name}"
        shutil.rmtree(staging, ignore_errors=True)
        archive.extractall(staging, filter="data")
        extracted = staging / "media"
        if extracted.exists():
            extracted.rename(media)
        else:
            media.mkdir()
        shutil.rmtree(staging, ignore_errors=True)
