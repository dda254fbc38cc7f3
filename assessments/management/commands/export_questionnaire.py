from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from assessments import workbook
from assessments.models import Assessment


class Command(BaseCommand):
    help = "Write an assessment's questionnaire workbook (.xlsx), with the answers so far."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--lang", choices=["ja", "en"], default="ja")
        parser.add_argument("--output", required=True, help="the .xlsx file to write")

    def handle(self, assessment_id, lang, output, **options):
        assessment = (
            Assessment.objects.select_related("vendor", "version__checklist")
            .filter(pk=assessment_id)
            .first()
        )
        if assessment is None:
            raise CommandError(f"No assessment {assessment_id}.")
        content = workbook.build_workbook(assessment, language=lang)
        Path(output).write_bytes(content)
        with translation.override(lang):
            items = assessment.version.items.count()
            answered = assessment.answers.exclude(value=None).count()
        self.stdout.write(
            f"{output}: {items} items in {assessment.version.sections.count()} sections, "
            f"{answered} answered, {len(content)} bytes"
        )
