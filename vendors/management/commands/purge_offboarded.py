from django.conf import settings
from django.core.management.base import BaseCommand

from vendors.retention import plans, purge


class Command(BaseCommand):
    help = (
        "Delete the evidence files and reports of vendors offboarded more than "
        "RETENTION_DAYS_AFTER_OFFBOARDING days ago. --dry-run only lists them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *args, dry_run=False, **options):
        days = settings.RETENTION_DAYS_AFTER_OFFBOARDING
        due = plans()
        if not due:
            self.stdout.write(f"Nothing to delete (retention: {days} days after offboarding).")
            return
        for plan in due:
            vendor = plan.vendor
            self.stdout.write(
                f"{vendor.pk} {vendor.name} (offboarded {vendor.offboarded_at:%Y-%m-%d}): "
                f"{len(plan.files)} files, {len(plan.reports)} reports"
            )
            for stored in plan.files:
                self.stdout.write(f"    {stored.original_name}  sha256={stored.sha256[:12]}…")
            if not dry_run:
                purge(plan)
        verb = "Would delete" if dry_run else "Deleted"
        total = sum(len(p.files) + len(p.reports) for p in due)
        self.stdout.write(f"{verb} {total} files of {len(due)} vendors.")
