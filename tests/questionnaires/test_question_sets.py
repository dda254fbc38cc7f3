"""The question sets shipped beside the default, their mapping to it and coverage."""

import pytest
from django.core.management import call_command

from questionnaires import coverage as cov
from questionnaires.checklist_yaml import (
    DEFAULT_CHECKLIST_PATH,
    load_default_checklist,
    parse_checklist,
)
from questionnaires.models import Checklist

SETS = {"ipa_quick_check": 25, "meti_star3": 14, "meti_star4": 13}


def shipped(name):
    return parse_checklist((DEFAULT_CHECKLIST_PATH.parent / f"{name}.yaml").read_text("utf-8"))


@pytest.mark.parametrize(("name", "count"), SETS.items())
def test_each_shipped_set_parses_with_its_item_count(name, count):
    doc = shipped(name)
    assert len(list(doc.iter_items())) == count
    assert doc.name["ja"] and doc.name["en"]


def test_the_ipa_set_has_the_three_parts_of_the_self_check():
    assert [s.code for s in shipped("ipa_quick_check").sections] == ["IPB", "IPE", "IPO"]
    assert [len(s.items) for s in shipped("ipa_quick_check").sections] == [5, 13, 7]


@pytest.mark.parametrize("name", SETS)
def test_every_item_maps_to_existing_default_items(name):
    default_codes = {i.code for i in load_default_checklist().iter_items()}
    mapping = cov.load_mappings()[name]
    assert set(mapping) == {i.code for i in shipped(name).iter_items()}
    for code, targets in mapping.items():
        assert targets, code
        assert set(targets) <= default_codes, code


@pytest.mark.django_db
def test_load_checklist_installs_the_bundled_sets_once(capsys):
    call_command("load_checklist", bundled="all")
    call_command("load_checklist", bundled="ipa_quick_check")
    assert Checklist.objects.count() == 3
    ipa = Checklist.objects.get(name_en__startswith="Quick security check")
    assert ipa.versions.get().items.count() == 25
    assert "already installed" in capsys.readouterr().out


def test_a_requirement_is_met_only_when_every_mapped_item_has_full_marks():
    assert cov.requirement_state([1, 1]) == cov.MET
    assert cov.requirement_state([1, 0.5]) == cov.PARTLY
    assert cov.requirement_state([0, 0]) == cov.NOT_MET
    assert cov.requirement_state([1, cov.MISSING]) == cov.UNANSWERED
    assert cov.requirement_state([None, 1]) == cov.MET  # N/A items do not count
    assert cov.requirement_state([None]) == cov.NOT_APPLICABLE


def test_star_four_coverage_includes_star_three():
    mappings = {"meti_star3": {"A": ("X",)}, "meti_star4": {"B": ("Y",)}}
    result = cov.coverage("meti_star4", {"X": 1, "Y": 0}, mappings)
    assert result.states == {"A": cov.MET, "B": cov.NOT_MET}
    assert result.ratio == 0.5


def test_a_fully_answered_default_assessment_covers_every_set():
    items = list(load_default_checklist().iter_items())
    full = {i.code: 1.0 for i in items}
    for name in SETS:
        result = cov.coverage(name, full)
        assert result.ratio == 1.0, name
        assert result.count(cov.MET) == len(result.states)


def test_unanswered_default_items_leave_requirements_unanswered():
    result = cov.coverage("meti_star3", {})
    assert result.count(cov.UNANSWERED) == len(result.states) == 14
