from __future__ import annotations

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
            answer = input("The current database and media files will be replaced. Go on? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "s", "sí", "si"):
                raise CommandError("Nothing was changed.")
        try:
            restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored from {folder}"))
