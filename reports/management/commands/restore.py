from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database and the media files with a backup's (make restore)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="A folder written by the backup command.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: the current data is replaced."
        )

    def handle(self, *args: object, **options: object) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        if not options["yes"]:
            self._confirm()
        try:
            restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored from {folder}"))

    def _confirm(self) -> None:
        """Ask, when a person is at the terminal; without one (a pipe, a script, cron)
        nobody can answer, so nothing is replaced unless --yes says so."""
        if not sys.stdin.isatty():
            raise CommandError(
                "Nothing was changed: standard input is not a terminal, so the replacement "
                "cannot be confirmed. Add --yes (make restore BACKUP=... YES=1) to replace "
                "the current database and media files."
            )
        try:
            answer = input("The current database and media files will be replaced. Go on? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "s", "sí", "si"):
            raise CommandError("Nothing was changed.")
