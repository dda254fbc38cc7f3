from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, create_demo_users

# Apps that add demo data, lowest floor first; each has demo.seed(users, options, out).
# Named, not imported: this command sits on a floor below them.
DEMO_MODULES = ("vendors.demo", "assessments.demo", "dashboard.demo")


class Command(BaseCommand):
    help = "Create demo users and demo data (idempotent). Development only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--vendors", type=int, default=0, help="also add N synthetic vendors (scale tests)"
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        with transaction.atomic():
            users = create_demo_users()
            for name in DEMO_MODULES:
                import_module(name).seed(users, options, self.stdout)
        self.stdout.write("Demo logins (development only):")
        for username, _last, _first, _email, role in DEMO_USERS:
            self.stdout.write(f"  {username:<8} / {DEMO_PASSWORD}   ({role})")
