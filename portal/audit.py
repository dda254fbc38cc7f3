"""Portal actions in the audit log, as the vendor contact with the client's address.

Record changes made during a portal request (answers, uploads, replies) get the
contact's e-mail and address from the middleware's audit context; the steps that
change no record of ours (opening a link, a wrong code) are written here as
access entries of the invitation."""

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.events import client_address

from .redaction import redact

ACTIONS = {
    "opened": _("Portal link opened"),
    "code_sent": _("Portal code sent"),
    "code_failed": _("Wrong portal code"),
    "code_verified": _("Portal code verified"),
    "rate_limited": _("Portal guessing limited"),
    "answer_saved": _("Answer saved through the portal"),
    "evidence_added": _("Evidence uploaded through the portal"),
    "submitted": _("Answers submitted through the portal"),
    "delegated": _("Section delegated through the portal"),
    "delegation_revoked": _("Delegation revoked through the portal"),
    "replied": _("Question answered through the portal"),
    "proposed": _("Remediation proposed through the portal"),
    "incident_reported": _("Incident reported through the portal"),
    "incident_updated": _("Incident updated through the portal"),
    "workbook_downloaded": _("Questionnaire workbook downloaded through the portal"),
    "workbook_imported": _("Questionnaire workbook imported through the portal"),
    "language": _("Portal language chosen"),
    "logged_out": _("Portal session ended"),
}


def record(request, invitation, action: str, detail: str = "") -> LogEntry:
    contact = invitation.contact
    with translation.override(settings.LANGUAGE_CODE):
        label = str(ACTIONS[action])
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(invitation),
        object_pk=str(invitation.pk),
        object_id=invitation.pk,
        object_repr=f"{label} · {contact.name} <{contact.email}>"[:500],
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=None,
        actor_email=contact.email[:254],
        remote_addr=client_address(request),
        additional_data={
            **invitation.get_additional_data(),
            "portal": {
                "action": action,
                "contact": contact.name,
                "email": contact.email,
                "path": redact(request.path)[:300] if request is not None else "",
                "detail": detail[:300],
            },
        },
    )
