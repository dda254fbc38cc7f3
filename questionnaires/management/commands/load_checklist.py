from django.core.management.base import BaseCommand, CommandError

from questionnaires.checklist_schema import ChecklistImportError
from questionnaires.checklist_yaml import DEFAULT_CHECKLIST_PATH, parse_checklist
from questionnaires.checklists import default_checklist, import_doc, install_default_checklist
from questionnaires.coverage import BUNDLED_SETS
from questionnaires.models import Checklist


class Command(BaseCommand):
    help = (
        "Install the default checklist (questionnaires/checklists/default.yaml) when none "
        "exists, or import FILE as a new draft version of the checklist."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a checklist YAML file to import as a draft")
        parser.add_argument("--publish", action="store_true", help="publish the imported version")
        parser.add_argument(
            "--bundled",
            choices=[*BUNDLED_SETS, "all"],
            help="install a question set shipped beside the default as its own checklist",
        )

    def handle(self, *args, file=None, publish=False, bundled=None, **options):
        if bundled:
            for name in BUNDLED_SETS if bundled == "all" else (bundled,):
                self.install_bundled(name)
            return
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
        version = import_doc(doc, checklist=default_checklist(), publish=publish)
        self.stdout.write(f"Imported {file} as {version}.")

    def install_bundled(self, name):
        doc = parse_checklist((DEFAULT_CHECKLIST_PATH.parent / f"{name}.yaml").read_text("utf-8"))
        if Checklist.objects.filter(name_en=doc.name["en"]).exists():
            self.stdout.write(f"{name} already installed.")
            return
        version = import_doc(doc, publish=True)
        self.stdout.write(f"Installed {name}: {version} ({version.items.count()} items).")
