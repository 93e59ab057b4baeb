"""``seed_demo``: the demo of the whole platform, each part adding its own data.

It lives in the highest app because it reads every part (DESIGN.md: dependencies run one
way); each part keeps its demo content in its own ``demo.py``. Running it twice changes
nothing.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import User
from demo.clusters import DEMO_PASSWORD, PEOPLE, seed_clusters
from demo.coherence import seed_coherence
from demo.health import seed_health
from demo.indicators import seed_indicators
from demo.large import seed_large
from demo.meetings import seed_large_meetings, seed_meetings
from demo.opendata import seed_open_data
from demo.planning import seed_planning
from demo.reports import seed_reports
from demo.rights import seed_rights
from reports.jobs import wait_for_renders

# Their entities' invented IATI identifiers take a thousand numbers each (demo.large).
MAX_LARGE_CLUSTERS = 99


class Command(BaseCommand):
    help = "Load the demo: a social cluster on the right to adequate housing in Barcelona."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load it even with DEBUG off (it creates a superuser with a public password).",
        )
        parser.add_argument(
            "--large",
            action="store_true",
            help="Also build a large cluster (300 entities, 100,000 measurements, 30,000 "
            "positions) to measure the pages and the PDFs against.",
        )
        parser.add_argument(
            "--clusters",
            type=int,
            default=1,
            metavar="N",
            help="With --large: build N large clusters of the same shape (10 make about a "
            "million measurements); those already built are kept, the missing ones added.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not (settings.DEBUG or options["force"]):
            raise CommandError(
                "The demo creates accounts with a published password, including a superuser: "
                "it only runs with DEBUG on, or with --force."
            )
        clusters = options["clusters"]
        if not 1 <= clusters <= MAX_LARGE_CLUSTERS:
            raise CommandError(f"--clusters takes 1 to {MAX_LARGE_CLUSTERS}.")
        if clusters > 1 and not options["large"]:
            raise CommandError("--clusters says how many large clusters: add --large.")
        # The demo's people have no mailboxes (addresses at demo.example): the emails its
        # proposals would send are dropped here, where Celery runs in the same process.
        no_mail = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        with no_mail:
            with transaction.atomic():
                cluster = seed_clusters()
                coordinator = cluster.roles.select_related("user").first().user
                seed_rights(cluster, coordinator)
                seed_indicators(cluster, coordinator)
                seed_planning(cluster, coordinator)
                # After the planning part: proposals take up two of its incoherences.
                seed_coherence(cluster, coordinator)
                # Before the reports: the progress report it asks for has a health section.
                seed_health(cluster, coordinator)
                # After planning and health: its agendas discuss their proposals and rounds.
                seed_meetings(cluster, coordinator)
                seed_reports(cluster, coordinator)
                # Last: its IATI file gives what every other part made.
                seed_open_data(cluster, coordinator)
            # Embedded, the report renders in a thread once committed: the command waits
            # for it, or it would end (and the thread with it) before the report is made.
            wait_for_renders(timeout=600)
        if options["large"]:
            # The demo's member person represents an entity of the first one only.
            member = User.objects.filter(email="member@demo.example").first()
            all_started = time.monotonic()
            for number in range(1, clusters + 1):
                started = time.monotonic()
                large = seed_large(coordinator, member if number == 1 else None, number=number)
                # Its invitations go to people without mailboxes too.
                with no_mail, transaction.atomic():
                    seed_large_meetings(large, coordinator)
                self.stdout.write(
                    f"Large cluster ready in {time.monotonic() - started:.0f} s: /c/{large.slug}/"
                )
            if clusters > 1:
                self.stdout.write(
                    f"{clusters} large clusters ready in {time.monotonic() - all_started:.0f} s"
                )
        self.stdout.write(self.style.SUCCESS(f"Demo cluster ready: /c/{cluster.slug}/"))
        self.stdout.write(f"Demo logins, password {DEMO_PASSWORD}:")
        for email, *_ in PEOPLE:
            self.stdout.write(f"  {email}")
