"""Scope answers taken from the vendor intake when an assessment starts.

The scope section of the default checklist asks what the vendor's intake already
records (home working, payment cards, My Number, call recording, where our data is
kept). A new assessment starts with those items answered from the intake, marked
"from the intake", so the conditional controls that depend on them are shown or
hidden from the start; the assessor can change any of them.

``intake_answers`` is pure: the intake as plain values in, {item code: answer} out.
"""

from collections.abc import Mapping
from typing import Any

# Item code -> (intake field, answer type the item must have). A checklist whose item
# of that code has another answer type (an imported one, say) is left alone.
BOOLEAN_SCOPE = {
    "SCO-01": "telework",
    "SCO-02": "payment_cards",
    "SCO-03": "my_number",
    "SCO-04": "call_recording",
}
DATA_LOCATION_ITEM = "AST-11"
# Only "Japan only" with the country and cloud region named matches a choice of the item
# exactly; "abroad" needs the assessor to say whether the country's regime was checked,
# and "not known yet" leaves the question open.
DATA_LOCATION_CHOICE = {"japan": "japan_only"}
INTAKE_FIELDS = (*BOOLEAN_SCOPE.values(), "data_location", "data_location_detail")


def intake_answers(intake: Mapping[str, Any], item_types: Mapping[str, str]) -> dict[str, Any]:
    """Answers for the items of ``item_types`` ({code: answer type}) from ``intake``
    ({field: value}), for the items the intake can answer."""
    answers: dict[str, Any] = {}
    for code, field in BOOLEAN_SCOPE.items():
        if item_types.get(code) == "yes_no" and field in intake:
            answers[code] = "yes" if intake[field] else "no"
    location = DATA_LOCATION_CHOICE.get(intake.get("data_location"))
    detail = str(intake.get("data_location_detail") or "").strip()
    if item_types.get(DATA_LOCATION_ITEM) == "single_choice" and location and detail:
        answers[DATA_LOCATION_ITEM] = location
    return answers


def vendor_intake(vendor) -> dict[str, Any]:
    return {field: getattr(vendor, field) for field in INTAKE_FIELDS}
