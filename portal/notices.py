"""The portal's kinds of notification, in the one registry of ``notifications``:
a questionnaire due from a vendor contact (7, 3 and 1 days before, and overdue), the
same overdue questionnaire for staff, a vendor's submission and a vendor's reply to a
question. The contact of a remediation invitation also hears of its findings' due
dates. Registered from ``PortalConfig.ready``; the portal raises its one-off events
with ``notify_submitted`` and ``notify_replied``."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from notifications import registry, services
from notifications.kinds import vendor_names
from notifications.registry import OVERDUE, EventKind, Occurrence, Recipient, Step

from .models import Invitation

OPEN_STATUSES = (Assessment.Status.DRAFT, Assessment.Status.IN_PROGRESS)


def _staff(assessment, *extra):
    """The vendor's owner and assigned staff (and ``extra``), active, once each."""
    vendor = assessment.vendor
    people = {}
    for user in [vendor.owner, *vendor.assigned_staff.all(), *extra]:
        if user is not None and user.is_active:
            people.setdefault(user.pk, user)
    return [Recipient.for_user(u) for u in people.values()]


def portal_url() -> str:
    return reverse("portal:home")


def _waiting_invitations(first, last):
    """Questionnaire invitations whose due date is in [first, last], not submitted,
    not revoked, on an assessment still being answered."""
    rows = Invitation.objects.filter(
        kind=Invitation.Kind.QUESTIONNAIRE,
        due_date__isnull=False,
        due_date__lte=last,
        submitted_at__isnull=True,
        revoked_at__isnull=True,
        assessment__status__in=OPEN_STATUSES,
        assessment__vendor__archived_at__isnull=True,
    )
    if first is not None:
        rows = rows.filter(due_date__gte=first)
    return rows.select_related("contact", "assessment__vendor").order_by("due_date", "pk")


def _object_key(invitation) -> str:
    # The due date is part of the object: a new due date is a new round of reminders.
    return f"invitation:{invitation.pk}:{invitation.due_date.isoformat()}"


def invitations_due(today, first, last):
    """To the invited contact, while their link works, in the language they chose."""
    now = timezone.now()
    for invitation in _waiting_invitations(first, last).filter(expires_at__gt=now):
        contact = invitation.contact
        if not contact.email:
            continue
        yield Occurrence(
            object_key=_object_key(invitation),
            context={
                "vendor": vendor_names(invitation.assessment.vendor),
                "due_on": invitation.due_date.isoformat(),
            },
            url=portal_url(),
            recipients=[Recipient.for_contact(contact, language=invitation.language)],
            obj=invitation,
        )


def invitations_overdue_for_staff(today, first, last):
    rows = _waiting_invitations(first, last).select_related(
        "created_by", "assessment__vendor__owner"
    )
    rows = rows.prefetch_related(
        Prefetch("assessment__vendor__assigned_staff"),
    )
    for invitation in rows:
        yield Occurrence(
            object_key=_object_key(invitation),
            context={
                "vendor": vendor_names(invitation.assessment.vendor),
                "contact": invitation.contact.name,
                "due_on": invitation.due_date.isoformat(),
            },
            url=reverse("assessments:detail", args=[invitation.assessment_id]),
            recipients=_staff(invitation.assessment, invitation.created_by),
            obj=invitation,
        )


registry.register(
    EventKind(
        code="portal_invitation_due",
        label=_("Questionnaire due (to the vendor)"),
        subject=_("Reminder: a security questionnaire is due soon"),
        summary=_("The security questionnaire requested from %(vendor)s is due on %(due_on)s."),
        steps=(Step("7", 7), Step("3", 3), Step("1", 1)),
        due=invitations_due,
        can_disable=False,
        audience="vendor",
        order=70,
    )
)
registry.register(
    EventKind(
        code="portal_invitation_overdue",
        label=_("Questionnaire overdue (to the vendor)"),
        subject=_("Reminder: a security questionnaire is overdue"),
        summary=_("The security questionnaire requested from %(vendor)s was due on %(due_on)s."),
        detail=_("Please submit your answers, or tell the person who invited you when you can."),
        steps=(OVERDUE,),
        due=invitations_due,
        can_disable=False,
        audience="vendor",
        order=71,
    )
)
registry.register(
    EventKind(
        code="portal_invitation_overdue_staff",
        label=_("Vendor's questionnaire overdue"),
        subject=_("A vendor's questionnaire is overdue"),
        summary=_(
            "%(contact)s of %(vendor)s has not submitted the questionnaire due on %(due_on)s."
        ),
        detail=_("Contact the vendor, or extend the invitation on the assessment page."),
        steps=(OVERDUE,),
        due=invitations_overdue_for_staff,
        can_disable=False,
        order=72,
    )
)
registry.register(
    EventKind(
        code="portal_vendor_submitted",
        label=_("Vendor submitted answers"),
        subject=_("A vendor submitted answers in the portal"),
        summary=_("%(contact)s of %(vendor)s submitted answers to the questionnaire."),
        order=73,
    )
)
registry.register(
    EventKind(
        code="portal_vendor_replied",
        label=_("Vendor answered a question"),
        subject=_("A vendor answered a question"),
        summary=_("%(contact)s of %(vendor)s answered your question on item %(item)s."),
        order=74,
    )
)


def _stamp(moment) -> str:
    return str(int(moment.timestamp() * 1_000_000))


def notify_submitted(invitation):
    """The vendor's owner and assigned staff, and whoever sent the invitation."""
    assessment = invitation.assessment
    return services.notify(
        "portal_vendor_submitted",
        Occurrence(
            object_key=f"invitation:{invitation.pk}",
            context={"vendor": vendor_names(assessment.vendor), "contact": invitation.contact.name},
            url=reverse("invitations:review", args=[assessment.pk]),
            recipients=_staff(assessment, invitation.created_by),
            # A submission after a return is a new event on the same invitation.
            step=_stamp(invitation.submitted_at),
            obj=invitation,
        ),
    )


def notify_replied(invitation, message):
    review = message.review
    assessment = invitation.assessment
    return services.notify(
        "portal_vendor_replied",
        Occurrence(
            object_key=f"review_message:{message.pk}",
            context={
                "vendor": vendor_names(assessment.vendor),
                "contact": invitation.contact.name,
                "item": review.item.code,
            },
            url=reverse("invitations:review", args=[assessment.pk]) + f"#review-{review.item.code}",
            recipients=_staff(assessment, invitation.created_by),
            obj=message,
        ),
    )


# --- findings shared with a vendor contact through a remediation invitation ---


def remediation_contacts(occurrences):
    """For finding_due and finding_overdue: the contact of each live remediation
    invitation of the finding's assessment, told in the portal's language."""
    findings = {o.object_key: o.obj for o in occurrences if o.obj is not None}
    assessment_ids = {f.assessment_id for f in findings.values()}
    if not assessment_ids:
        return
    now = timezone.now()
    invitations = (
        Invitation.objects.filter(
            assessment_id__in=assessment_ids,
            kind=Invitation.Kind.REMEDIATION,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .select_related("contact")
        .order_by("-created_at", "-pk")
    )
    by_assessment: dict[int, list] = {}
    for invitation in invitations:
        if invitation.contact.email:
            by_assessment.setdefault(invitation.assessment_id, []).append(invitation)
    for object_key, finding in findings.items():
        seen = set()
        for invitation in by_assessment.get(finding.assessment_id, ()):
            if invitation.contact_id in seen:
                continue  # the newest invitation says the contact's language
            seen.add(invitation.contact_id)
            yield (
                object_key,
                Recipient.for_contact(
                    invitation.contact, language=invitation.language, url=portal_url()
                ),
            )


registry.add_recipients("finding_due", remediation_contacts)
registry.add_recipients("finding_overdue", remediation_contacts)
