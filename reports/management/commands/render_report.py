from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from reports import rendering, services


class Command(BaseCommand):
    help = "Render an assessment's PDF report synchronously, for scripts and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument(
            "--lang", choices=[code for code, _name in settings.LANGUAGES], default="ja"
        )
        parser.add_argument("--output", required=True, help="where to write the PDF")

    def handle(self, assessment_id, lang, output, **options):
        try:
            assessment = Assessment.objects.select_related("vendor", "version").get(
                pk=assessment_id
            )
        except Assessment.DoesNotExist:
            raise CommandError(f"No assessment {assessment_id}.") from None
        html, answers_json, fingerprint = services.build_document(assessment, lang)
        pdf, pages = rendering.write_pdf(html, answers_json=answers_json)
        Path(output).write_bytes(pdf)
        self.stdout.write(f"{output}: {pages} pages, {len(pdf)} bytes, fingerprint {fingerprint}")
