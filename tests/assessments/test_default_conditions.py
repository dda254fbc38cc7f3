"""The default checklist's conditional controls: shown by the scope answers, hidden
otherwise. (The engine conditions on earlier answers, not on vendor intake fields, so
the scope section SCO asks what the intake records.)"""

import pytest

from assessments import scoring
from questionnaires.checklist_yaml import load_default_checklist


def specs():
    doc = load_default_checklist()
    return [
        scoring.ItemSpec(
            code=item.code,
            section=section.code,
            answer_type=item.type,
            condition=(
                scoring.Condition(item.condition.item, item.condition.values)
                if item.condition
                else None
            ),
        )
        for section in doc.sections
        for item in section.items
    ]


GROUPS = {
    "SCO-01": {"PHY-08", "PHY-09"},  # home working
    "SCO-02": {"OPE-07", "OPE-08"},  # payment cards
    "SCO-03": {"PHY-12", "INC-11", "CON-10"},  # My Number
    "SCO-04": {"AST-08", "AST-09", "AST-10"},  # call recording
}


@pytest.mark.parametrize(("screen", "shown"), GROUPS.items())
def test_a_scope_answer_shows_exactly_its_controls(screen, shown):
    items = specs()
    no = dict.fromkeys(GROUPS, "no")
    hidden = scoring.visible_codes(items, no)
    visible = scoring.visible_codes(items, {**no, screen: "yes"})
    assert shown.isdisjoint(hidden)
    assert visible - hidden == shown


def test_every_new_conditional_control_is_hidden_until_answered():
    hidden = scoring.visible_codes(specs(), {})
    assert not set().union(*GROUPS.values()) & hidden


def test_the_my_number_contract_clause_is_a_knockout():
    doc = load_default_checklist()
    assert doc.item("CON-10").critical
    assert doc.item("CON-10").condition.item == "SCO-03"


def test_scope_questions_are_not_scored():
    doc = load_default_checklist()
    assert all(doc.item(code).weight == 0 for code in GROUPS)
