"""The kinds of event this app knows of itself: the workflow of assessments, reports,
certificates, findings, reassessments and the quarterly access review. The vendor
portal and incidents register theirs the same way (see ``registry``)."""

from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import AccessReview, User
from assessments.models import Finding
from incidents.models import DEADLINE_LABELS, Incident
from vendors.models import Certification, Vendor

from .registry import OVERDUE, EventKind, Occurrence, Recipient, Step, register


def vendor_names(vendor) -> dict:
    return {"ja": vendor.display_name("ja"), "en": vendor.display_name("en")}


def _active(users):
    return [u for u in users if u is not None and u.is_active]


def managers() -> list:
    return list(User.objects.filter(is_active=True, groups__name=roles.MANAGER).distinct())


def _stamp(moment) -> str:
    """Tells two occurrences of the same event on one object apart (a second return)."""
    return str(int(moment.timestamp() * 1_000_000)) if moment else ""


# --- workflow events (from assessments.signals.workflow_step) ---


def assessment_occurrence(assessment, recipients, *, step="") -> Occurrence:
    return Occurrence(
        object_key=f"assessment:{assessment.pk}",
        context={"vendor": vendor_names(assessment.vendor)},
        url=reverse("assessments:detail", args=[assessment.pk]),
        recipients=[Recipient.for_user(u) for u in _active(recipients)],
        step=step,
        obj=assessment,
    )


def submitted(assessment) -> Occurrence:
    reviewers = [assessment.reviewer] if assessment.reviewer_id else managers()
    return assessment_occurrence(assessment, reviewers, step=_stamp(assessment.submitted_at))


def returned(assessment) -> Occurrence:
    return assessment_occurrence(
        assessment, assessment.assessors.all(), step=_stamp(assessment.updated_at)
    )


def approved(assessment) -> Occurrence:
    vendor = assessment.vendor
    people = {u.pk: u for u in [vendor.owner, *vendor.assigned_staff.all()]}
    return assessment_occurrence(assessment, people.values(), step=_stamp(assessment.approved_at))


def report_ready(report) -> Occurrence:
    return Occurrence(
        object_key=f"report:{report.pk}",
        context={"vendor": vendor_names(report.assessment.vendor)},
        url=reverse("reports:detail", args=[report.pk]),
        recipients=[Recipient.for_user(u) for u in _active([report.requested_by])],
        obj=report,
    )


register(
    EventKind(
        code="assessment_submitted",
        label=_("Assessment submitted for review"),
        subject=_("An assessment awaits your review"),
        summary=_("The assessment of %(vendor)s was submitted for your review."),
        order=10,
    )
)
register(
    EventKind(
        code="assessment_returned",
        label=_("Assessment returned with comments"),
        subject=_("An assessment was returned to you"),
        summary=_("The assessment of %(vendor)s was returned with comments to correct."),
        order=11,
    )
)
register(
    EventKind(
        code="assessment_approved",
        label=_("Assessment approved"),
        subject=_("An assessment was approved"),
        summary=_("The assessment of %(vendor)s was approved."),
        order=12,
    )
)
register(
    EventKind(
        code="report_ready",
        label=_("Report ready"),
        subject=_("A report you asked for is ready"),
        summary=_("The PDF report of %(vendor)s is ready to download."),
        # Told only if they chose to be: most people wait on the page for it.
        default_channel="off",
        order=13,
    )
)


# --- certificates ---


def certificates_due(today: date, first: date | None, last: date):
    """Certificates of live vendors expiring in [first, last], leaving out one replaced
    by a later certificate of the same kind and a Privacy Mark renewed in time."""
    later = Certification.objects.filter(
        vendor_id=OuterRef("vendor_id"),
        kind=OuterRef("kind"),
        valid_until__gt=OuterRef("valid_until"),
    )
    certs = Certification.objects.filter(valid_until__lte=last, vendor__archived_at__isnull=True)
    if first is not None:
        certs = certs.filter(valid_until__gte=first)
    else:
        certs = certs.filter(renewal_in_time=False)
    certs = (
        certs.filter(~Exists(later))
        .select_related("vendor__owner")
        .only(
            "pk",
            "kind",
            "valid_until",
            "vendor__name",
            "vendor__name_en",
            "vendor__owner",
        )
        .order_by("valid_until", "pk")
    )
    digest = [Recipient.for_user(m, channel="digest") for m in managers()]
    for cert in certs:
        vendor = cert.vendor
        owner = [Recipient.for_user(vendor.owner)] if vendor.owner.is_active else []
        yield Occurrence(
            object_key=f"certification:{cert.pk}",
            context={
                "vendor": vendor_names(vendor),
                "certificate": _certificate_label(cert.kind),
                "due_on": cert.valid_until.isoformat(),
            },
            url=reverse("vendors:detail", args=[vendor.pk]),
            recipients=owner + [m for m in digest if m.key != (owner[0].key if owner else "")],
            obj=cert,
        )


def _certificate_label(kind: str) -> dict:
    from django.utils.translation import override

    out = {}
    for language in ("ja", "en"):
        with override(language):
            out[language] = str(Certification.Kind(kind).label)
    return out


register(
    EventKind(
        code="certificate_expiring",
        label=_("Certificate expiring"),
        subject=_("A vendor's certificate expires soon"),
        summary=_("%(certificate)s of %(vendor)s expires on %(due_on)s."),
        detail=_("Ask the vendor for the renewed certificate and record it on the vendor page."),
        steps=(Step("90", 90), Step("30", 30), Step("7", 7)),
        due=certificates_due,
        order=20,
    )
)
register(
    EventKind(
        code="certificate_expired",
        label=_("Certificate expired"),
        subject=_("A vendor's certificate has expired"),
        summary=_("%(certificate)s of %(vendor)s expired on %(due_on)s."),
        detail=_("Ask the vendor for the renewed certificate and record it on the vendor page."),
        steps=(OVERDUE,),
        due=certificates_due,
        can_disable=False,
        order=21,
    )
)


# --- findings ---


def findings_due(today: date, first: date | None, last: date):
    findings = Finding.objects.filter(
        due_date__lte=last,
        status__in=[Finding.Status.OPEN, Finding.Status.PLANNED],
        vendor__archived_at__isnull=True,
    )
    if first is not None:
        findings = findings.filter(due_date__gte=first)
    findings = (
        findings.select_related("owner", "vendor__owner", "item")
        .only(
            "pk",
            "due_date",
            "owner",
            "assessment_id",
            "item__code",
            "vendor__name",
            "vendor__name_en",
            "vendor__owner",
        )
        .order_by("due_date", "pk")
    )
    for finding in findings:
        # Its owner; a finding nobody took on falls to the vendor's owner.
        owner = finding.owner or finding.vendor.owner
        yield Occurrence(
            object_key=f"finding:{finding.pk}",
            context={
                "vendor": vendor_names(finding.vendor),
                "item": finding.item.code,
                "due_on": finding.due_date.isoformat(),
            },
            url=reverse("assessments:finding", args=[finding.pk]),
            recipients=[Recipient.for_user(u) for u in _active([owner])],
            obj=finding,
        )


register(
    EventKind(
        code="finding_due",
        label=_("Finding due soon"),
        subject=_("A finding is due soon"),
        summary=_("Finding %(item)s of %(vendor)s is due on %(due_on)s."),
        steps=(Step("7", 7),),
        due=findings_due,
        order=30,
    )
)
register(
    EventKind(
        code="finding_overdue",
        label=_("Finding overdue"),
        subject=_("A finding is overdue"),
        summary=_("Finding %(item)s of %(vendor)s was due on %(due_on)s."),
        steps=(OVERDUE,),
        due=findings_due,
        can_disable=False,
        order=31,
    )
)


# --- reassessments ---


def reassessments_due(today: date, first: date | None, last: date):
    vendors = Vendor.objects.filter(next_reassessment_on__lte=last, archived_at__isnull=True)
    if first is not None:
        vendors = vendors.filter(next_reassessment_on__gte=first)
    vendors = (
        vendors.select_related("owner")
        .only("pk", "name", "name_en", "next_reassessment_on", "owner")
        .order_by("next_reassessment_on", "pk")
    )
    for vendor in vendors:
        yield Occurrence(
            # The date is part of the object: the next cycle's reassessment is a new one.
            object_key=f"reassessment:{vendor.pk}:{vendor.next_reassessment_on.isoformat()}",
            context={
                "vendor": vendor_names(vendor),
                "due_on": vendor.next_reassessment_on.isoformat(),
            },
            url=reverse("vendors:detail", args=[vendor.pk]),
            recipients=[Recipient.for_user(u) for u in _active([vendor.owner])],
            obj=vendor,
        )


register(
    EventKind(
        code="reassessment_due",
        label=_("Reassessment due soon"),
        subject=_("A vendor is due for reassessment"),
        summary=_("%(vendor)s is due for reassessment on %(due_on)s."),
        steps=(Step("30", 30),),
        due=reassessments_due,
        order=40,
    )
)
register(
    EventKind(
        code="reassessment_overdue",
        label=_("Reassessment overdue"),
        subject=_("A vendor's reassessment is overdue"),
        summary=_("The reassessment of %(vendor)s was due on %(due_on)s."),
        steps=(OVERDUE,),
        due=reassessments_due,
        can_disable=False,
        order=41,
    )
)


# --- the quarterly access review ---


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def access_review_due(today: date, first: date | None, last: date):
    """Once a quarter, to every manager, until someone records this quarter's review."""
    start = quarter_start(today)
    if AccessReview.objects.filter(completed_at__date__gte=start).exists():
        return
    quarter = f"{start.year}Q{(start.month - 1) // 3 + 1}"
    yield Occurrence(
        object_key=f"access_review:{quarter}",
        context={"quarter": quarter},
        url=reverse("audit:access_review"),
        recipients=[Recipient.for_user(m) for m in managers()],
    )


register(
    EventKind(
        code="access_review_due",
        label=_("Access review due"),
        subject=_("The quarterly access review is due"),
        summary=_("The access review for %(quarter)s has not been recorded yet."),
        detail=_("Check who can see which vendor and record the review."),
        steps=(Step("quarterly", 0),),
        due=access_review_due,
        can_disable=False,
        order=50,
    )
)


# --- incidents: the breach clock ---

INCIDENT_DEADLINES = {
    # code: (due field, done field)
    "quick_report": ("quick_report_due_on", "quick_report_sent_on"),
    "notice": ("notice_due_on", "notice_sent_on"),
    "final_report": ("final_report_due_on", "final_report_sent_on"),
}


def _deadline_label(code: str) -> dict:
    from django.utils.translation import override

    out = {}
    for language in ("ja", "en"):
        with override(language):
            out[language] = str(DEADLINE_LABELS[code])
    return out


def _incident_people(incident, staff_managers) -> list:
    vendor = incident.vendor
    people = {u.pk: u for u in _active([vendor.owner, *vendor.assigned_staff.all()])}
    for manager in staff_managers:
        people.setdefault(manager.pk, manager)
    return list(people.values())


def incident_deadlines_due(today: date, first: date | None, last: date):
    """The open deadlines of open reportable incidents due in [first, last]: a reminder
    before each, and one when missed. The due date is part of the object, so a deadline
    that moves (the facts changed) is reminded of again."""
    open_incidents = (
        Incident.objects.filter(reportable=True, vendor__archived_at__isnull=True)
        .exclude(status=Incident.Status.CLOSED)
        .select_related("vendor__owner")
        .prefetch_related("vendor__assigned_staff")
    )
    chiefs = managers()
    for code, (due_field, done_field) in INCIDENT_DEADLINES.items():
        rows = open_incidents.filter(**{f"{due_field}__lte": last, f"{done_field}__isnull": True})
        if first is not None:
            rows = rows.filter(**{f"{due_field}__gte": first})
        label = _deadline_label(code)
        for incident in rows.order_by(due_field, "pk"):
            due = getattr(incident, due_field)
            yield Occurrence(
                object_key=f"incident:{incident.pk}:{code}:{due.isoformat()}",
                context={
                    "vendor": vendor_names(incident.vendor),
                    "deadline": label,
                    "due_on": due.isoformat(),
                },
                url=reverse("incidents:detail", args=[incident.pk]),
                recipients=[Recipient.for_user(u) for u in _incident_people(incident, chiefs)],
                obj=incident,
            )


def incident_reported(incident) -> Occurrence:
    return Occurrence(
        object_key=f"incident:{incident.pk}",
        context={"vendor": vendor_names(incident.vendor)},
        url=reverse("incidents:detail", args=[incident.pk]),
        recipients=[Recipient.for_user(u) for u in _incident_people(incident, managers())],
        obj=incident,
    )


register(
    EventKind(
        code="incident_reported",
        label=_("Incident reported by a vendor"),
        subject=_("A vendor reported an incident"),
        summary=_("%(vendor)s reported an incident through the portal. The clock is running."),
        detail=_(
            "Review the facts: they decide whether the PPC must be told (個人情報保護法第26条)."
        ),
        can_disable=False,
        order=60,
    )
)
register(
    EventKind(
        code="incident_deadline_due",
        label=_("Incident deadline near"),
        subject=_("An incident deadline is near"),
        summary=_("%(deadline)s for the incident at %(vendor)s is due on %(due_on)s."),
        steps=(Step("3", 3), Step("1", 1), Step("0", 0)),
        due=incident_deadlines_due,
        can_disable=False,
        order=61,
    )
)
register(
    EventKind(
        code="incident_deadline_missed",
        label=_("Incident deadline missed"),
        subject=_("An incident deadline was missed"),
        summary=_("%(deadline)s for the incident at %(vendor)s was due on %(due_on)s."),
        detail=_("Send it now and record it on the incident's timeline."),
        steps=(OVERDUE,),
        due=incident_deadlines_due,
        can_disable=False,
        order=62,
    )
)
