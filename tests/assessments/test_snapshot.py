"""The score snapshot taken on approval, the policy (bands, cap, matrix, intervals)
applied through Evaluation, and what the assessment page shows of it."""

import re
from xml.sax.saxutils import escape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments import scoring, services
from assessments.evaluation import Evaluation, evaluate
from assessments.models import ScoringPolicy
from tests.factories import answer_everything, approved_assessment, make_vendor

STRICT_BANDS = [[99.9, "A"], [99.8, "B"], [99.7, "C"], [99.6, "D"]]  # below 99.6: E
SECTIONS = 11  # in the default checklist


def set_policy(**fields):
    policy = ScoringPolicy.current()
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    return policy


def score_panel(client, assessment):
    response = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="score-panel"')
    return html[start : html.index("</section>", start)]


def panel_rating(panel):
    return re.search(r'data-rating="([A-E])"', panel).group(1)


@pytest.fixture
def en_client(client, manager):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_approval_freezes_the_figures_on_the_assessment_and_the_vendor(staff, manager, version):
    vendor = make_vendor(staff, "株式会社ティア2", tier=2)
    assessment = approved_assessment(
        vendor, staff, manager, {"POL-01": "partial", "PHY-05": "no", "AST-03": "weekly"}
    )
    assessment.refresh_from_db()
    live = evaluate(assessment).result
    approved_on = timezone.localdate(assessment.approved_at)

    assert 0 < assessment.score < 100
    assert assessment.score == live.overall
    assert assessment.rating == live.rating == scoring.rating_for(assessment.score)
    assert assessment.residual_risk == scoring.DEFAULT_RESIDUAL_MATRIX[2][assessment.rating]
    assert assessment.next_reassessment_on == scoring.next_reassessment(
        approved_on, assessment.residual_risk
    )
    snapshot = assessment.snapshot
    assert snapshot["overall"] == assessment.score
    assert snapshot["tier"] == 2
    assert [s["code"] for s in snapshot["sections"]] == [s.code for s in live.sections]
    assert [s["score"] for s in snapshot["sections"]] == [s.score for s in live.sections]
    assert snapshot["knockouts"] == []

    vendor.refresh_from_db()
    assert (
        vendor.current_score,
        vendor.current_rating,
        vendor.current_residual_risk,
        vendor.last_assessed_on,
        vendor.next_reassessment_on,
    ) == (
        assessment.score,
        assessment.rating,
        assessment.residual_risk,
        approved_on,
        assessment.next_reassessment_on,
    )


def test_nothing_is_frozen_before_approval(assessment, staff, manager):
    answer_everything(assessment, staff)
    services.apply_action(assessment, "submit", user=staff)
    services.apply_action(assessment, "begin_review", user=manager)
    assessment.refresh_from_db()
    assert (assessment.score, assessment.rating, assessment.snapshot) == (None, "", None)
    assessment.vendor.refresh_from_db()
    assert assessment.vendor.current_rating == ""


def test_residual_risk_and_next_date_follow_the_policy_matrix_and_intervals(
    staff, manager, version
):
    matrix = {str(t): dict(row) for t, row in scoring.DEFAULT_RESIDUAL_MATRIX.items()}
    matrix["1"].update(A="high", B="high")  # default: medium
    months = {"low": 30, "medium": 18, "high": 5, "critical": 2}
    set_policy(residual_matrix=matrix, reassessment_months=months)
    vendor = make_vendor(staff, "株式会社ティア1", tier=1)
    assert vendor.inherent_tier == 1

    assessment = approved_assessment(vendor, staff, manager)
    assessment.refresh_from_db()
    assert assessment.rating == "A"
    assert assessment.residual_risk == "high"
    approved_on = timezone.localdate(assessment.approved_at)
    assert assessment.next_reassessment_on == scoring.next_reassessment(approved_on, "high", months)
    assert assessment.next_reassessment_on != scoring.next_reassessment(approved_on, "high")


@pytest.mark.parametrize(("tier", "level"), [(1, "medium"), (2, "low"), (3, "low")])
def test_residual_risk_is_tier_by_rating(staff, manager, version, tier, level):
    vendor = make_vendor(staff, f"株式会社ティア{tier}", tier=tier)
    assessment = approved_assessment(vendor, staff, manager)
    assessment.refresh_from_db()
    assert (assessment.rating, assessment.residual_risk) == ("A", level)
    approved_on = timezone.localdate(assessment.approved_at)
    assert assessment.next_reassessment_on == scoring.next_reassessment(approved_on, level)


def test_changing_the_policy_does_not_rewrite_an_approved_assessment(
    en_client, staff, manager, vendor, version
):
    weak = {"POL-02": "no"}
    approved = approved_assessment(vendor, staff, manager, weak)
    approved.refresh_from_db()
    frozen = (approved.score, approved.rating, approved.residual_risk)
    assert approved.rating == "A"
    assert panel_rating(score_panel(en_client, approved)) == "A"

    in_progress = services.start_assessment(vendor, user=staff, carry_over=False)
    answer_everything(in_progress, staff, weak)
    assert panel_rating(score_panel(en_client, in_progress)) == "A"

    matrix = {str(t): dict.fromkeys(scoring.RATINGS, "critical") for t in scoring.TIERS}
    set_policy(bands=STRICT_BANDS, residual_matrix=matrix)

    approved.refresh_from_db()
    assert (approved.score, approved.rating, approved.residual_risk) == frozen
    panel = score_panel(en_client, approved)
    assert panel_rating(panel) == "A"
    assert "Low" in panel and "Critical" not in panel
    assert "frozen when the assessment was approved" in panel

    live = score_panel(en_client, in_progress)
    assert panel_rating(live) == "E"
    assert "Critical" in live
    vendor.refresh_from_db()
    assert (vendor.current_rating, vendor.current_residual_risk) == ("A", "low")


def test_a_failed_critical_item_caps_the_rating_and_the_page_says_why(
    en_client, staff, manager, vendor, version
):
    assessment = approved_assessment(vendor, staff, manager, {"CON-01": "no", "INC-01": 48})
    assessment.refresh_from_db()
    assert assessment.score >= 85  # an A by the score alone
    assert assessment.rating == "D"
    assert assessment.snapshot["capped"] is True
    assert assessment.snapshot["uncapped_rating"] == "A"
    assert {k["item"]: k["reason"] for k in assessment.snapshot["knockouts"]} == {
        "CON-01": scoring.KNOCKOUT_FAILED,
        "INC-01": scoring.KNOCKOUT_PARTIAL,
    }

    panel = score_panel(en_client, assessment)
    assert panel_rating(panel) == "D"
    assert "Rating capped at D by failed critical items" in panel
    knockouts = re.findall(r"<li>.*?</li>", panel, re.S)
    assert len(knockouts) == 2
    con01 = next(k for k in knockouts if "CON-01" in k)
    inc01 = next(k for k in knockouts if "INC-01" in k)
    assert re.search(r"— not met\s*</li>$", con01)
    assert "only partly met" in inc01
    section_url = reverse("assessments:section", args=[assessment.pk, "CON"])
    assert f'href="{section_url}#item-CON-01"' in con01


def test_the_cap_shown_is_the_frozen_one_after_the_policy_changes(
    en_client, staff, manager, vendor, version
):
    assessment = approved_assessment(vendor, staff, manager, {"CON-01": "no"})
    set_policy(critical_cap="E")
    panel = score_panel(en_client, assessment)
    assert panel_rating(panel) == "D"
    assert "Rating capped at D" in panel


def test_the_page_embeds_the_section_chart(en_client, staff, manager, vendor, version):
    assessment = approved_assessment(vendor, staff, manager, {"PHY-05": "no"})
    panel = score_panel(en_client, assessment)
    chart = panel[panel.index("<svg") : panel.index("</svg>")]
    assert chart.count('class="bar"') == SECTIONS
    for section in assessment.version.sections.all():
        assert f"<title>{escape(section.title_en)}: " in chart


# Evaluation, the bridge between the ORM and scoring ------------------------------------


def test_evaluation_applies_the_policy_bands_cap_and_matrix(assessment, staff):
    answer_everything(assessment, staff, {"CON-01": "no"})
    policy = set_policy(critical_cap="C")
    result = evaluate(assessment, policy=policy)
    assert result.result.uncapped_rating == "A"
    assert result.result.rating == "C"
    assert result.residual_risk == scoring.DEFAULT_RESIDUAL_MATRIX[3]["C"]

    policy = set_policy(bands=STRICT_BANDS, critical_cap="D")
    assert evaluate(assessment, policy=policy).result.rating == "E"


def test_evaluation_without_policy_or_tier_uses_the_defaults(assessment, staff):
    answer_everything(assessment, staff, {"CON-01": "no"})
    plain = evaluate(assessment)
    version = assessment.version
    bare = Evaluation(
        version.sections.order_by("position"),
        version.items.select_related("section").order_by("section__position", "position"),
        plain.answers,
    )
    assert bare.result == plain.result
    assert bare.result.rating == scoring.DEFAULT_CRITICAL_CAP
    assert bare.residual_risk is None
    tiered = Evaluation(bare.sections, bare.items, bare.answers, tier=1)
    assert tiered.residual_risk == scoring.DEFAULT_RESIDUAL_MATRIX[1]["D"]
