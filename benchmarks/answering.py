"""Answering benchmark (issue 13): saving one answer (htmx, as the section page sends it)
in a 300-item section over saving one in a 10-item section, target at most 1.3.

Both sections belong to one published checklist, so the scoring of the whole assessment
(which every save redoes for the progress and score summary) is the same on both sides
and the ratio measures only what the size of the section costs a save: nothing, now that
a save sends back the saved item's status and the summaries instead of the section.

    answer_save_p50_ms_10 / _300           median wall time of one save
    answer_save_p50_ratio_300_vs_10        per interleaved round, with _spread
"""

from benchmarks.harness import emit, emit_spread, interleaved, median_ms


def _version(users):
    from questionnaires.checklist_schema import ChecklistDoc, ItemDoc, SectionDoc
    from questionnaires.checklists import import_doc

    def items(prefix, count):
        return tuple(
            ItemDoc(
                code=f"{prefix}-{n:03d}",
                type="yes_no",
                weight=1 + n % 3,
                critical=False,
                allow_na=n % 4 == 0,
                required=True,
                evidence_expected=False,
                question={"ja": f"設問{prefix}-{n}：手順を定めていますか。", "en": f"Q {n}"},
                guidance={"ja": "規程と記録を確認してください。", "en": "Check."},
                recommendation=None,
                iso27001=("5.1",),
            )
            for n in range(count)
        )

    sections = tuple(
        SectionDoc(
            code=code,
            risk_area="policy_certification",
            weight=1,
            title={"ja": f"{count}項目", "en": f"{count} items"},
            description=None,
            items=items(code, count),
        )
        for code, count in (("BIG", 300), ("SMALL", 10))
    )
    doc = ChecklistDoc(
        name={"ja": "計測：回答の保存", "en": "Bench: answer saves"},
        description=None,
        version_label="bench",
        sections=sections,
    )
    return import_doc(doc, user=users["admin"], publish=True)


def answer_save(users) -> None:
    from auditlog.context import disable_auditlog
    from django.test import Client

    from assessments.models import Assessment
    from vendors.models import Vendor

    staff = users["staff1"]
    version = _version(users)
    vendor = Vendor.objects.create(name="株式会社回答計測", owner=staff)
    assessment = Assessment.objects.create(vendor=vendor, version=version, created_by=staff)
    assessment.assessors.add(staff)
    client = Client()
    client.force_login(staff)
    revisions = {}

    def save(code, n):
        url = f"/assessments/{assessment.pk}/items/{code}/answer/"
        response = client.post(
            url,
            {"value": ("yes", "no")[n % 2], "revision": revisions.get(code, 0)},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200, response.status_code
        assert b"alert-warning" not in response.content  # no conflict: a real save each time
        revisions[code] = revisions.get(code, 0) + 1

    counter = iter(range(10**9))

    def one(code):
        return lambda: save(code, next(counter))

    big = lambda: median_ms(one("BIG-150"))  # noqa: E731
    small = lambda: median_ms(one("SMALL-005"))  # noqa: E731
    results = interleaved({"300": big, "10": small})
    for size in ("10", "300"):
        emit(f"answer_save_p50_ms_{size}", min(results[size]))
    ratios = [a / b for a, b in zip(results["300"], results["10"], strict=True)]
    emit_spread("answer_save_p50_ratio_300_vs_10", ratios)

    with disable_auditlog():
        assessment.delete()
        vendor.delete()
