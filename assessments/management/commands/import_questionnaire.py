from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from assessments import workbook
from assessments.access import get_assessment_for_user
from assessments.models import Assessment
from core.xlsx import SpreadsheetRefused


class Command(BaseCommand):
    help = (
        "Import a filled-in questionnaire workbook into an assessment: print what changes, "
        "then save it all (or, with --dry-run, nothing). Conflicts keep the app's answer."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="show the changes only")
        parser.add_argument(
            "--as",
            dest="username",
            help="the procurement user the answers are saved as (default: who started it)",
        )

    def handle(self, assessment_id, file, dry_run, username, **options):
        assessment = Assessment.objects.filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment {assessment_id}.")
        user = (
            get_user_model().objects.filter(username=username, is_active=True).first()
            if username
            else assessment.created_by
        )
        if user is None:
            raise CommandError(f"No active user {username!r}; name one with --as.")
        try:
            assessment = get_assessment_for_user(user, assessment_id, write=True)
        except (Http404, PermissionDenied):
            raise CommandError(
                f"{user.username} may not answer assessment {assessment_id} "
                "(not their vendor, not procurement staff, or the assessment is locked)."
            ) from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        try:
            plan = workbook.read_workbook(path.read_bytes(), path.name, assessment)
        except (SpreadsheetRefused, workbook.WorkbookError) as error:
            raise CommandError(str(error)) from None
        for cell in plan.formula_cells:
            self.stdout.write(f"formula (its stored value was read): {cell}")
        for code, reason in plan.unmatched:
            self.stdout.write(f"not imported: {code}: {reason}")
        for change in plan.changes:
            if change.kind != "unchanged":
                self.stdout.write(f"{change.kind}: {change.code} ({change.sheet} row {change.row})")
        counts = plan.counts
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        if plan.problems:
            raise CommandError("\n".join(str(p) for p in plan.problems) + "\nNothing was imported.")
        if dry_run:
            self.stdout.write(f"Dry run, nothing saved: {summary}.")
            return
        written = workbook.apply_plan(assessment, plan, user=user)
        self.stdout.write(
            f"Imported: {written['new']} new, {written['changed']} changed; "
            f"{counts['unchanged']} unchanged, {counts['conflict']} conflicts kept as in the app."
        )
