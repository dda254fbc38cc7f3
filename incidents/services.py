"""Writes to incidents: recording one (by staff or by a vendor contact in the portal),
changing its facts (each change kept as a revision, classification and deadlines
following), adding timeline steps, closing. Plain keyword data in, no forms."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vendors.models import Vendor
from vendors.uploads import store_upload

from .models import Incident, IncidentPolicy, IncidentRevision, IncidentStep
from .signals import incident_reported

FACT_FIELDS = (
    "people_affected",
    "people_may_exceed",
    "sensitive_data",
    "financial_damage",
    "malicious",
    "my_number",
    "encrypted",
)
# What a vendor contact may write in the portal: what happened and the facts, never
# our own judgement (status) nor the PPC form's response items.
CONTACT_FIELDS = (
    "title",
    "description",
    "occurred_at",
    "vendor_aware_at",
    "data_categories",
    "systems",
    "cause",
    *FACT_FIELDS,
)
STAFF_FIELDS = (
    *CONTACT_FIELDS,
    "aware_at",
    "assessment",
    "contract",
    "secondary_damage",
    "response_to_people",
    "publication",
    "prevention",
    "other_notes",
)


def _revision(incident: Incident, *, user=None, contact=None) -> IncidentRevision:
    return IncidentRevision.objects.create(
        incident=incident,
        changed_by=user,
        changed_by_contact=contact,
        facts={name: getattr(incident, name) for name in FACT_FIELDS},
        reportable=incident.reportable,
        cases=incident.cases,
        final_report_due_on=incident.final_report_due_on,
    )


def _facts_of(incident: Incident) -> dict:
    return {name: getattr(incident, name) for name in FACT_FIELDS}


def _bring_reassessment_forward(incident: Incident) -> None:
    """A reportable incident sets the vendor's reassessment due date (never later than
    one already set)."""
    if not incident.reportable:
        return
    policy = IncidentPolicy.current()
    due = timezone.localdate(incident.aware_at) + timedelta(days=policy.reassessment_days)
    vendor = incident.vendor
    if vendor.next_reassessment_on is None or vendor.next_reassessment_on > due:
        vendor.next_reassessment_on = due
        vendor.save(update_fields=["next_reassessment_on", "updated_at"])


def _check(incident: Incident) -> None:
    try:
        incident.full_clean(exclude=["vendor", "reported_by", "reported_by_contact"])
    except ValidationError:
        raise


@transaction.atomic
def record_incident(*, vendor: Vendor, user=None, contact=None, **fields) -> Incident:
    """A new incident. Staff record it open; a vendor contact's report waits for staff's
    review, and the clock starts at once: we are aware the moment it reaches us."""
    allowed = CONTACT_FIELDS if contact is not None else STAFF_FIELDS
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not fields of an incident here: {sorted(unknown)}")
    incident = Incident(vendor=vendor, reported_by=user, reported_by_contact=contact, **fields)
    if contact is not None:
        incident.status = Incident.Status.REPORTED
        incident.aware_at = timezone.now()
    _check(incident)
    incident.save()
    _revision(incident, user=user, contact=contact)
    IncidentStep.objects.create(
        incident=incident,
        kind=IncidentStep.Kind.VENDOR_NOTIFIED,
        happened_at=incident.aware_at,
        recorded_by=user,
        recorded_by_contact=contact,
    )
    _bring_reassessment_forward(incident)
    if contact is not None:
        transaction.on_commit(
            lambda: incident_reported.send(sender=Incident, incident=incident, contact=contact)
        )
    return incident


@transaction.atomic
def update_incident(incident: Incident, *, user=None, contact=None, **fields) -> Incident:
    """Change what is known. When a fact changes, the classification and the deadlines
    follow and a revision keeps the new state; staff saving a vendor's report marks it
    reviewed."""
    allowed = CONTACT_FIELDS if contact is not None else STAFF_FIELDS
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not fields of an incident here: {sorted(unknown)}")
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(_("A closed incident cannot change."))
    before = _facts_of(incident)
    for name, value in fields.items():
        setattr(incident, name, value)
    if user is not None and incident.status == Incident.Status.REPORTED:
        incident.status = Incident.Status.OPEN
    _check(incident)
    incident.save()
    if _facts_of(incident) != before:
        _revision(incident, user=user, contact=contact)
    _bring_reassessment_forward(incident)
    return incident


@transaction.atomic
def add_step(
    incident: Incident, *, kind: str, happened_at=None, note="", user=None, contact=None, files=()
) -> IncidentStep:
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(_("A closed incident cannot change."))
    if kind == IncidentStep.Kind.CLOSED:
        raise ValidationError(_("Close the incident with its own button."))
    if contact is not None and kind not in (IncidentStep.Kind.CONTAINED, IncidentStep.Kind.NOTE):
        raise ValidationError(_("Only staff record this step."))
    happened_at = happened_at or timezone.now()
    if happened_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError(_("A step cannot be in the future."))
    step = IncidentStep.objects.create(
        incident=incident,
        kind=kind,
        happened_at=happened_at,
        note=note,
        recorded_by=user,
        recorded_by_contact=contact,
    )
    for upload in files:
        step.files.add(store_upload(upload, folder=f"incidents/{incident.pk}", user=user))
    meets = IncidentStep.MEETS.get(kind)
    if meets and getattr(incident, meets) is None:
        setattr(incident, meets, timezone.localdate(happened_at))
        incident.save(update_fields=[meets, "updated_at"])
    return step


def missing_for_closing(incident: Incident) -> list[str]:
    kinds = set(incident.steps.values_list("kind", flat=True))
    missing = []
    if IncidentStep.Kind.ROOT_CAUSE not in kinds or not incident.cause.strip():
        missing.append(_("the root cause (a “root cause found” step and the cause)"))
    if IncidentStep.Kind.PREVENTION not in kinds or not incident.prevention.strip():
        missing.append(_("the prevention (a “prevention agreed” step and the measures)"))
    return missing


@transaction.atomic
def close_incident(incident: Incident, *, user) -> Incident:
    """Closing needs the root cause and the prevention agreed with the vendor."""
    if incident.status == Incident.Status.CLOSED:
        return incident
    missing = missing_for_closing(incident)
    if missing:
        raise ValidationError(
            _("Before closing, record %(missing)s.") % {"missing": _(" and ").join(missing)}
        )
    now = timezone.now()
    incident.status = Incident.Status.CLOSED
    incident.closed_at = now
    incident.save(update_fields=["status", "closed_at", "updated_at"])
    IncidentStep.objects.create(
        incident=incident, kind=IncidentStep.Kind.CLOSED, happened_at=now, recorded_by=user
    )
    return incident


def save_policy(*, quick_report_days: int, notice_days: int, reassessment_days: int):
    """Change the targets; the open incidents' dates follow."""
    with transaction.atomic():
        policy = IncidentPolicy.current()
        policy.quick_report_days = quick_report_days
        policy.notice_days = notice_days
        policy.reassessment_days = reassessment_days
        policy.full_clean()
        policy.save()
        for incident in Incident.objects.exclude(status=Incident.Status.CLOSED).filter(
            reportable=True
        ):
            incident.save(update_fields=["updated_at"])
    return policy
