"""One presenter of item rows (Evaluation.item_rows) for the section page, the PDF and
the comparison; one rule for a vendor's name by language."""

from assessments import services
from assessments.evaluation import CONTRACT_CLAUSES, CONTRACT_ITEMS, evaluate
from vendors.models import Vendor


def test_item_rows_say_how_well_each_answer_meets_its_item(assessment, staff):
    items = {i.code: i for i in assessment.version.items.all()}
    services.save_answer(assessment, items["CON-01"], value="yes", user=staff)
    services.save_answer(assessment, items["CON-04"], value="partial", user=staff)
    services.save_answer(assessment, items["CON-05"], value="no", user=staff)
    rows = {r.item.code: r for r in evaluate(assessment).item_rows(codes=CONTRACT_ITEMS)}
    assert list(rows) == [c for c in CONTRACT_ITEMS if c in items]
    assert (rows["CON-01"].css, rows["CON-04"].css, rows["CON-05"].css) == (
        "met",
        "partial",
        "failed",
    )
    assert rows["CON-06"].css == "none" and rows["CON-06"].display == "—"


def test_section_rows_are_the_items_of_that_section_in_order(assessment):
    evaluation = evaluate(assessment)
    section = evaluation.sections[0]
    rows = evaluation.item_rows(section)
    assert [r.item.code for r in rows] == [
        i.code for i in evaluation.items if i.section_id == section.pk
    ]


def test_contract_items_come_from_the_clauses():
    assert tuple(code for _t, codes in CONTRACT_CLAUSES for code in codes) == CONTRACT_ITEMS


def test_display_name_follows_the_language():
    vendor = Vendor(name="株式会社さくら", name_en="Sakura Inc.")
    assert vendor.display_name("ja") == "株式会社さくら"
    assert vendor.display_name("en") == "Sakura Inc."
    assert Vendor(name="株式会社みどり").display_name("en") == "株式会社みどり"
