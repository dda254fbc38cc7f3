from datetime import date

from django.core.management.base import BaseCommand, CommandError

from notifications import services


class Command(BaseCommand):
    help = (
        "Record and send the reminders and digests the daily beat task would on that day. "
        "--dry-run lists them (recipient, kind, object) and records or sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--today", help="The day to compute for, YYYY-MM-DD (default today).")

    def handle(self, *args, dry_run=False, today=None, **options):
        if today:
            try:
                today = date.fromisoformat(today)
            except ValueError:
                raise CommandError(
                    f"--today must be a date as YYYY-MM-DD, not {today!r}."
                ) from None
        result = services.run_reminders(today, dry_run=dry_run)
        if dry_run:
            for p in result.planned:
                step = f" [{p.step}]" if p.step else ""
                self.stdout.write(
                    f"{p.email or p.recipient_key}\t{p.kind}{step}\t{p.object_key}\t{p.channel}"
                )
            self.stdout.write(f"{len(result.planned)} messages would be recorded.")
            return
        self.stdout.write(
            f"Recorded {result.recorded}, sent {result.sent}, failed or waiting for a retry "
            f"{result.failed}, digests sent {result.digests}."
        )
