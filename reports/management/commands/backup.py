from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reports.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the media files into a folder (make backup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", help="The folder to write (default: backups/<date and time>/).")

    def handle(self, *args: object, **options: object) -> None:
        folder = Path(
            options["to"] or settings.BASE_DIR / "backups" / f"{timezone.now():%Y%m%d-%H%M%S}"
        )
        try:
            written = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for path in written:
            self.stdout.write(f"{path} ({path.stat().st_size} bytes)")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
