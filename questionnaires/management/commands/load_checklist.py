from django.core.management.base import BaseCommand, CommandError

from questionnaires.checklist_schema import ChecklistImportError
from questionnaires.checklist_yaml import parse_checklist
from questionnaires.checklists import import_doc, install_default_checklist
from questionnaires.models import Checklist


class Command(BaseCommand):
    help = (
        "Install the default checklist (questionnaires/checklists/default.yaml) when none "
        "exists, or import FILE as a new draft version of the checklist."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a checklist YAML file to import as a draft")
        parser.add_argument("--publish", action="store_true", help="publish the imported version")

    def handle(self, *args, file=None, publish=False, **options):
        if file is None:
            version = install_default_checklist()
            if version is None:
                self.stdout.write("Checklist already installed.")
            else:
                count = version.items.count()
                self.stdout.write(f"Installed the default checklist: {version} ({count} items).")
            return
        try:
            with open(file, encoding="utf-8") as handle:
                doc = parse_checklist(handle.read())
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except ChecklistImportError as exc:
            raise CommandError(f"{file} was not imported:\n{exc}") from exc
        version = import_doc(doc, checklist=Checklist.objects.first(), publish=publish)
        self.stdout.write(f"Imported {file} as {version}.")
