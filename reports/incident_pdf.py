"""The PDF of an incident, through the report pipeline (services: claim, lease,
conditional store, fail, sweep). In Japanese it is the draft of the PPC's report form,
pre-filled with the items of 施行規則第8条第1項, for the officer to copy into the
PPC's form; in English it is the summary for management."""

import hashlib
import json
from datetime import UTC, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from incidents.models import Incident, IncidentPolicy
from incidents.presenters import incident_summary

from . import rendering, services
from .models import IncidentReport

PDF_TEMPLATE = "reports/pdf/incident.html"


def incident_state(incident: Incident) -> dict:
    """Every stored value the PDF prints, as plain JSON-able data."""
    fields = [f.attname for f in Incident._meta.concrete_fields if f.name != "updated_at"]
    return {
        "incident": [getattr(incident, name) for name in fields],
        "vendor": [incident.vendor.name, incident.vendor.name_en],
        "steps": list(
            incident.steps.order_by("happened_at", "pk").values_list(
                "kind", "happened_at", "note", "recorded_by_id", "recorded_by_contact_id"
            )
        ),
        "revisions": incident.revisions.count(),
        "policy": IncidentPolicy.current().updated_at,
        "today": timezone.localdate(),  # the countdowns print days left
    }


def _plain(value) -> str:
    # The same moment reads the same whatever zone it was set in (a form's Japan time,
    # the database's UTC).
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def fingerprint(incident: Incident, language: str) -> str:
    state = {
        "state": incident_state(incident),
        "template": rendering.template_version(),
        "language": language,
    }
    data = json.dumps(state, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def request_incident_report(incident: Incident, language: str, *, user):
    """Like services.request_report: an unchanged incident gets its ready PDF or the
    one on its way. Call it inside a transaction (it locks the incident's row)."""
    digest = fingerprint(incident, language)
    Incident.objects.select_for_update().filter(pk=incident.pk).values_list("pk").get()
    existing = (
        IncidentReport.objects.filter(incident=incident, language=language, fingerprint=digest)
        .filter(
            Q(status=IncidentReport.Status.READY) & ~Q(file="")
            | Q(status__in=[IncidentReport.Status.PENDING, IncidentReport.Status.RENDERING])
        )
        .order_by("-requested_at", "-pk")
        .first()
    )
    if existing:
        return existing, False
    report = IncidentReport.objects.create(
        incident=incident, language=language, requested_by=user, fingerprint=digest
    )
    transaction.on_commit(lambda: services.enqueue(report))
    return report, True


def context(incident: Incident, language: str, *, fingerprint: str, generated_at) -> dict:
    with override(language):
        today = timezone.localdate()
        summary = incident_summary(incident, today)
        steps = list(incident.steps.select_related("recorded_by", "recorded_by_contact"))
        vendor = incident.vendor
        return {
            "language": language,
            "incident": incident,
            "vendor": vendor,
            "vendor_name": vendor.display_name(language),
            "summary": summary,
            "steps": steps,
            "people_notified": [s for s in steps if s.kind == "people_notified"],
            "publications": [s for s in steps if s.kind == "published"],
            "generated_at": timezone.localtime(generated_at),
            "fingerprint": fingerprint,
            "page_counter": rendering.page_counter_css(),
            "title": (
                _("Draft of the report of a personal data leak: %(vendor)s")
                if language == "ja"
                else _("Incident summary for management: %(vendor)s")
            )
            % {"vendor": vendor.display_name(language)},
        }


def build(incident: Incident, language: str, *, generated_at=None):
    generated_at = generated_at or timezone.now()
    with override(language):
        digest = fingerprint(incident, language)
        html = get_template(PDF_TEMPLATE).render(
            context(incident, language, fingerprint=digest, generated_at=generated_at)
        )
    return html, digest


def render(report_id: int) -> services.Claim:
    outcome = services.claim(report_id, IncidentReport)
    if not outcome.claimed:
        return outcome
    report = IncidentReport.objects.select_related("incident__vendor").get(pk=report_id)
    html, digest = build(report.incident, report.language)
    pdf, pages = rendering.write_pdf(html)
    try:
        store(report, pdf, pages=pages, fingerprint=digest)
    except OSError as error:
        raise services.TransientError(str(error)) from error
    return outcome


def store(report: IncidentReport, pdf: bytes, *, pages: int, fingerprint: str) -> None:
    """Save the PDF and mark it ready, unless another worker finished it first."""
    name = report.file.field.generate_filename(report, "incident.pdf")
    saved = report.file.storage.save(name, ContentFile(pdf))
    with transaction.atomic():
        updated = IncidentReport.objects.filter(
            pk=report.pk, status=IncidentReport.Status.RENDERING, started_at=report.started_at
        ).update(
            status=IncidentReport.Status.READY,
            file=saved,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            page_count=pages,
            fingerprint=fingerprint,
            error="",
            finished_at=timezone.now(),
        )
    if not updated:
        report.file.storage.delete(saved)
