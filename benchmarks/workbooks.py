"""Excel benchmarks (issue 16).

    xlsx_export_s_default / _300                 build the questionnaire workbook, every item
                                                 answered (default checklist; 300 items)
    xlsx_import_s_default / _300                 read that workbook into a plan for another
                                                 assessment (every item new), median
    xlsx_import_over_openpyxl_load_ratio[_300]   our import over openpyxl's own load_workbook
                                                 of the same file, the median of ratios taken
                                                 round by round (interleaved), with _spread
                                                 (max - min of the rounds' ratios)
    vendor_import_rows_per_s                     10,000 CSV rows: read, check, write, audit
    vendor_import_over_bulk_create_ratio         that over a bare bulk_create of the same
                                                 rows, interleaved rounds, with _spread

Registered in benchmarks.__main__ as ``xlsx_workbooks``; on its own:
``python -m benchmarks.workbooks``.
"""

import csv
import io
import os
import statistics
import sys
import time

ROUNDS = 5
VENDOR_ROWS = 10_000
# BENCH_QUICK=1: one round instead of five (the same 10,000 rows).
VENDOR_ROUNDS = 1 if os.environ.get("BENCH_QUICK") else 5


def _answered_pair(users, version):
    """(an assessment with every item answered, an empty one) on ``version``."""
    from assessments.models import Answer, Assessment
    from tests.factories import full_marks
    from vendors.models import Vendor

    staff = users["staff1"]
    vendor = Vendor.objects.create(name=f"株式会社ベンチ{version.pk}", owner=staff)
    filled = Assessment.objects.create(vendor=vendor, version=version, created_by=staff)
    Answer.objects.bulk_create(
        Answer(assessment=filled, item=item, value=full_marks(item), comment="確認済み", revision=1)
        for item in version.items.all()
    )
    empty = Assessment.objects.create(vendor=vendor, version=version, created_by=staff)
    return filled, empty


def _version_300(users):
    """A published checklist of 300 yes/no and choice items in 10 sections."""
    from questionnaires.checklist_schema import ChoiceDoc, ItemDoc, SectionDoc
    from questionnaires.checklist_yaml import load_default_checklist
    from questionnaires.checklists import import_doc

    base = load_default_checklist()
    sections = []
    for s in range(10):
        items = []
        for n in range(30):
            choice = n % 5 == 0
            items.append(
                ItemDoc(
                    code=f"B{s}-{n:02d}",
                    type="single_choice" if choice else "yes_no",
                    weight=1 + n % 3,
                    critical=False,
                    allow_na=n % 4 == 0,
                    required=True,
                    evidence_expected=False,
                    question={
                        "ja": f"設問{s}-{n}：情報の取扱いを定めていますか。",
                        "en": f"Q{s}-{n}",
                    },
                    guidance={"ja": "規程と記録を確認してください。", "en": "Check."},
                    recommendation=None,
                    iso27001=("5.1",),
                    choices=tuple(
                        ChoiceDoc(v, {"ja": f"選択肢{v}", "en": f"Option {v}"}, score)
                        for v, score in (("a", 1.0), ("b", 0.5), ("c", 0.0))
                    )
                    if choice
                    else (),
                )
            )
        sections.append(
            SectionDoc(
                code=f"B{s}",
                risk_area="policy_certification",
                weight=1,
                title={"ja": f"セクション{s}", "en": f"Section {s}"},
                description=None,
                items=tuple(items),
            )
        )
    doc = type(base)(
        name={"ja": "300項目", "en": "300 items"},
        description=None,
        version_label="bench",
        sections=tuple(sections),
    )
    return import_doc(doc, user=users["admin"], publish=True)


def _xlsx(label, filled, empty):
    from openpyxl import load_workbook

    from assessments import workbook

    exports, imports, ratios = [], [], []
    content = workbook.build_workbook(filled, language="ja")
    # One untimed round first: imports, caches and the first queries are not the figure.
    load_workbook(io.BytesIO(content)).close()
    workbook.read_workbook(content, "bench.xlsx", empty)
    for _ in range(ROUNDS):
        start = time.perf_counter()
        content = workbook.build_workbook(filled, language="ja")
        exports.append(time.perf_counter() - start)
        # Interleaved: openpyxl's load and ours in the same round, so load from other
        # processes weighs on both sides of each ratio alike.
        start = time.perf_counter()
        load_workbook(io.BytesIO(content)).close()
        bare = time.perf_counter() - start
        start = time.perf_counter()
        plan = workbook.read_workbook(content, "bench.xlsx", empty)
        ours = time.perf_counter() - start
        assert plan.applicable and plan.counts["new"] == empty.version.items.count()
        imports.append(ours)
        ratios.append(ours / bare)
    suffix = "" if label == "default" else f"_{label}"
    print(f"xlsx_export_s_{label}: {statistics.median(exports):.3f}")
    print(f"xlsx_import_s_{label}: {statistics.median(imports):.3f}")
    print(f"xlsx_import_over_openpyxl_load_ratio{suffix}: {statistics.median(ratios):.2f}")
    print(f"xlsx_import_over_openpyxl_load_ratio{suffix}_spread: {max(ratios) - min(ratios):.2f}")


def _vendor_csv(rows: int, round_no: int) -> bytes:
    from vendors.corporate_number import check_digit

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["名称", "フリガナ", "法人番号", "サービス区分", "個人データの取扱い"])
    for n in range(rows):
        base = f"{round_no:02d}{n:010d}"
        writer.writerow(
            [
                f"株式会社一括{round_no}-{n:05d}",
                f"イッカツ{n:05d}",
                f"{check_digit(base)}{base}",
                "BPO",
                "はい",
            ]
        )
    return buffer.getvalue().encode("cp932")


def vendor_import(users) -> None:
    from django.db import transaction

    from vendors import imports
    from vendors.models import Vendor

    owner = users["staff1"]
    ours, bare, ratios = [], [], []
    for round_no in range(VENDOR_ROUNDS):
        data = _vendor_csv(VENDOR_ROWS, round_no)
        start = time.perf_counter()
        plan = imports.read_vendor_file(data, "bench.csv", user=None, default_owner=owner)
        done = imports.apply_vendor_import(plan, user=None, default_owner=owner)
        ours.append(time.perf_counter() - start)
        assert done["create"] == VENDOR_ROWS, done
        Vendor.objects.filter(name__startswith=f"株式会社一括{round_no}-").delete()
        # The same rows as bare objects, straight into the table.
        rows = list(plan.rows)
        start = time.perf_counter()
        with transaction.atomic():
            objects = []
            for row in rows:
                vendor = Vendor(owner=owner, **row.fields)
                vendor.set_categories(row.categories or ())
                vendor.inherent_tier = vendor.tier_result.tier
                objects.append(vendor)
            Vendor.objects.bulk_create(objects, batch_size=1000)
        bare.append(time.perf_counter() - start)
        Vendor.objects.filter(name__startswith=f"株式会社一括{round_no}-").delete()
        ratios.append(ours[-1] / bare[-1])
    print(f"vendor_import_rows_per_s: {VENDOR_ROWS / statistics.median(ours):.0f}")
    print(f"vendor_import_over_bulk_create_ratio: {statistics.median(ratios):.2f}")
    print(f"vendor_import_over_bulk_create_ratio_spread: {max(ratios) - min(ratios):.2f}")


def xlsx_workbooks(users) -> None:
    from questionnaires.checklists import current_version, install_default_checklist

    install_default_checklist(users["admin"])
    default = current_version()
    _xlsx("default", *_answered_pair(users, default))
    sys.stdout.flush()
    big = _version_300(users)
    _xlsx("300", *_answered_pair(users, big))
    sys.stdout.flush()
    vendor_import(users)


def run() -> int:
    """`python -m benchmarks.workbooks [vendor_import]`: this benchmark alone (or only its
    vendor import), on the runner's throwaway database."""
    from benchmarks import __main__ as runner

    runner.BENCHMARKS[:] = [vendor_import if "vendor_import" in sys.argv[1:] else xlsx_workbooks]
    return runner.main()


if __name__ == "__main__":
    sys.exit(run())
