"""python manage.py invite_vendor ASSESSMENT_ID EMAIL [--sections CODE,CODE] [--days N]
[--lang ja|en] [--print-link] [--remediation]: invite as the web does."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from assessments.models import Assessment
from portal import emails, services
from portal.models import Invitation


class Command(BaseCommand):
    help = "Invite a vendor contact to the portal for one assessment and e-mail the link."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="name of a new contact")
        parser.add_argument("--sections", default="", help="section codes, comma-separated")
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--lang", choices=[code for code, _n in settings.LANGUAGES])
        parser.add_argument("--due", default=None, help="due date, YYYY-MM-DD")
        parser.add_argument("--remediation", action="store_true", help="invite to the findings")
        parser.add_argument(
            "--print-link", action="store_true", help="also print the link (keep it secret)"
        )

    def handle(self, *args, **options):
        assessment = (
            Assessment.objects.select_related("vendor", "version")
            .filter(pk=options["assessment_id"])
            .first()
        )
        if assessment is None:
            raise CommandError(f"No assessment {options['assessment_id']}.")
        try:
            validate_email(options["email"])
        except ValidationError:
            raise CommandError(f"Not an e-mail address: {options['email']!r}") from None
        sections = [c.strip() for c in options["sections"].split(",") if c.strip()]
        try:
            invitation, token = services.invite(
                assessment,
                email=options["email"],
                name=options["name"],
                sections=sections,
                days=options["days"],
                language=options["lang"],
                due_date=options["due"],
                kind=Invitation.Kind.REMEDIATION
                if options["remediation"]
                else Invitation.Kind.QUESTIONNAIRE,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Invitation {invitation.pk} sent to {invitation.contact.email}, "
            f"valid until {invitation.expires_at:%Y-%m-%d %H:%M}."
        )
        if options["print_link"]:
            self.stdout.write(emails.portal_link(token))
