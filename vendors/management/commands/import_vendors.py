from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.xlsx import SpreadsheetRefused
from vendors import exports, imports


class Command(BaseCommand):
    help = (
        "Import vendors from a CSV (UTF-8 or Shift_JIS) or .xlsx file, all rows or none; "
        "or write the template with --template FILE.csv|FILE.xlsx."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--dry-run", action="store_true", help="check the rows only")
        parser.add_argument("--owner", help="user name owning rows without an owner column")
        parser.add_argument(
            "--update", action="store_true", help="update vendors whose corporate number exists"
        )
        parser.add_argument("--template", help="write the import template to this file")
        parser.add_argument("--lang", choices=["ja", "en"], default="ja")

    def handle(self, file, dry_run, owner, update, template, lang, **options):
        if template:
            file_format = "csv" if template.lower().endswith(".csv") else "xlsx"
            _name, content = exports.template_content(file_format, lang)
            Path(template).write_bytes(content)
            self.stdout.write(f"{template}: the {lang} template, {len(content)} bytes")
            return
        if not file:
            raise CommandError("Name the file to import (or --template FILE).")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        default_owner = None
        if owner:
            default_owner = get_user_model().objects.filter(username=owner, is_active=True).first()
            if default_owner is None:
                raise CommandError(f"No active user {owner!r}.")
        try:
            plan = imports.read_vendor_file(
                path.read_bytes(), path.name, user=None, default_owner=default_owner, update=update
            )
        except (SpreadsheetRefused, imports.VendorImportError) as error:
            raise CommandError(str(error)) from None
        counts = plan.counts
        errors = list(plan.problems) + [
            f"row {row.number}: {error}" for row in plan.of_action("error") for error in row.errors
        ]
        for row in plan.rows:
            if row.action != "error":
                self.stdout.write(f"row {row.number}: {row.action}: {row.name}")
        if errors:
            raise CommandError("\n".join(errors) + "\nNothing was imported.")
        if dry_run:
            self.stdout.write(
                f"Dry run ({plan.encoding}), nothing saved: {counts['create']} to register, "
                f"{counts['update']} to update, {counts['skip']} to skip."
            )
            return
        try:
            done = imports.apply_vendor_import(plan, user=None, default_owner=default_owner)
        except imports.VendorImportError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Imported ({plan.encoding}): {done['create']} registered, {done['update']} updated, "
            f"{done['skip']} skipped."
        )
