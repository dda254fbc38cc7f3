"""Print a new API token for a user, once (for administrators setting up a system)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.tokens import issue_token


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", choices=["read", "write"], default="read")
        parser.add_argument("--days", type=int, default=None, help="valid for N days")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, username, scope, days, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        try:
            token, raw = issue_token(
                user, name=name or f"{scope} token (command line)", scope=scope, days=days
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        expiry = (
            f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else "no expiry"
        )
        self.stderr.write(f"Token {token.prefix} for {username}, scope {scope}, {expiry}.")
        self.stdout.write(raw)
