from django.core.management.base import BaseCommand, CommandError

from questionnaires.checklist_schema import ChecklistImportError
from questionnaires.checklists import import_standard
from questionnaires.formats import FORMATS, parse_format


class Command(BaseCommand):
    help = (
        "Import a questionnaire in a standard format (vsaq: Google VSAQ JSON; caiq: CSA "
        "CAIQ v4 workbook) as a draft version of a new checklist, and print what was "
        "mapped and what was not."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", choices=FORMATS)
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="print the report, store nothing"
        )

    def handle(self, *args, format, file, dry_run=False, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            result = parse_format(format, data, filename=file.rsplit("/", 1)[-1])
        except ChecklistImportError as exc:
            raise CommandError(f"{file} was not imported:\n{exc}") from exc
        report = result.report
        for row in report.mapped:
            self.stdout.write(
                f"mapped    {row.source} -> {row.code} {row.kind} {row.note}".rstrip()
            )
        for row in report.unmapped:
            self.stdout.write(f"not mapped {row.source}: {row.note}")
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        items = sum(len(section.items) for section in result.doc.sections)
        summary = f"{len(report.mapped)} mapped, {len(report.unmapped)} not mapped, {items} items"
        if dry_run:
            self.stdout.write(f"Dry run: {summary}; nothing stored.")
            return
        version = import_standard(result.doc, report.as_dict())
        self.stdout.write(f"Imported {file} as draft {version} ({summary}).")
