"""What the incident page, the lists, the dashboard and the PDF draft all show of an
incident: its classification explained and its deadlines with their countdowns."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from . import deadlines, rules
from .models import DEADLINE_LABELS, Incident, IncidentPolicy

# An open reportable incident raises the vendor's displayed residual risk one level.
RAISED = {"": "high", "low": "medium", "medium": "high", "high": "critical", "critical": "critical"}


def raised_risk(level: str | None) -> str:
    return RAISED.get(level or "", "high")


@dataclass(frozen=True)
class Deadline:
    code: str
    label: str
    due: date
    done_on: date | None
    days_left: int
    judgement: bool  # our reading of "promptly", not a date the law sets

    @property
    def state(self) -> str:
        if self.done_on:
            return "done"
        if self.days_left < 0:
            return "missed"
        if self.days_left <= 2:
            return "soon"
        return "open"

    @property
    def countdown(self) -> str:
        if self.done_on:
            return str(_("done"))
        if self.days_left < 0:
            return str(_("%(days)s days overdue") % {"days": -self.days_left})
        if self.days_left == 0:
            return str(_("due today"))
        return str(_("%(days)s days left") % {"days": self.days_left})


def incident_deadlines(incident: Incident, today: date) -> list[Deadline]:
    if not incident.reportable:
        return []
    rows = [
        ("quick_report", incident.quick_report_due_on, incident.quick_report_sent_on, True),
        ("notice", incident.notice_due_on, incident.notice_sent_on, True),
        ("final_report", incident.final_report_due_on, incident.final_report_sent_on, False),
    ]
    out = []
    for code, due, done, judgement in rows:
        if due is None:
            continue
        out.append(
            Deadline(
                code=code,
                label=str(DEADLINE_LABELS[code]),
                due=due,
                done_on=done,
                days_left=deadlines.days_left(due, today),
                judgement=judgement,
            )
        )
    return out


def next_open(items: list[Deadline]) -> Deadline | None:
    pending = [d for d in items if not d.done_on]
    return min(pending, key=lambda d: d.due) if pending else None


def incident_summary(incident: Incident, today: date, *, policy: IncidentPolicy | None = None):
    result = incident.classification
    items = incident_deadlines(incident, today) if incident.is_open else []
    clock = incident.clock(policy) if incident.aware_at else None
    return {
        "incident": incident,
        "classification": result,
        "deadlines": items,
        "next": next_open(items),
        "clock": clock,
        "malicious": result.malicious,
        "final_days": result.final_report_days,
        "threshold": rules.REPORTABLE_PEOPLE_THRESHOLD,
    }
