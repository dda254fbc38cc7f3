"""A user's calendar feed: the due dates they may see, as iCalendar all-day events with
names and dates only (no scores, no findings' text), for Outlook or Google Calendar."""

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from assessments.access import assessments_visible_to, findings_visible_to
from assessments.models import Assessment, Finding
from vendors.access import vendors_visible_to
from vendors.models import Certification

# Dates this far back stay in the feed (a calendar shows what was missed, for a while).
PAST_DAYS = 180


def entries(user, today: date | None = None) -> list[tuple[str, date, str, str]]:
    """(uid, day, summary, path) of every due date ``user`` may see, in the user's
    language; a fixed number of queries whatever the number of vendors."""
    today = today or timezone.localdate()
    since = today - timedelta(days=PAST_DAYS)
    language = user.language or settings.LANGUAGE_CODE
    out = []
    with translation.override(language):
        open_assessments = assessments_visible_to(user).exclude(status=Assessment.Status.APPROVED)
        for a in open_assessments.filter(due_date__gte=since).select_related("vendor"):
            out.append(
                (
                    f"assessment-{a.pk}",
                    a.due_date,
                    _("Assessment due: %(vendor)s") % {"vendor": a.vendor.display_name(language)},
                    reverse("assessments:detail", args=[a.pk]),
                )
            )
        reviews = open_assessments.filter(
            reviewer=user,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.IN_REVIEW],
            submitted_at__isnull=False,
        ).select_related("vendor")
        for a in reviews:
            day = a.due_date or timezone.localtime(a.submitted_at).date()
            out.append(
                (
                    f"review-{a.pk}",
                    day,
                    _("Review: %(vendor)s") % {"vendor": a.vendor.display_name(language)},
                    reverse("assessments:detail", args=[a.pk]),
                )
            )
        findings = findings_visible_to(user).filter(
            status__in=[Finding.Status.OPEN, Finding.Status.PLANNED], due_date__gte=since
        )
        for f in findings.select_related("vendor", "item"):
            out.append(
                (
                    f"finding-{f.pk}",
                    f.due_date,
                    _("Finding %(item)s due: %(vendor)s")
                    % {"item": f.item.code, "vendor": f.vendor.display_name(language)},
                    reverse("assessments:finding", args=[f.pk]),
                )
            )
        vendors = vendors_visible_to(user).filter(archived_at__isnull=True)
        certs = Certification.objects.filter(
            vendor__in=vendors.values("pk"), valid_until__gte=since
        ).select_related("vendor")
        for c in certs:
            out.append(
                (
                    f"certification-{c.pk}",
                    c.valid_until,
                    _("%(certificate)s expires: %(vendor)s")
                    % {
                        "certificate": c.get_kind_display(),
                        "vendor": c.vendor.display_name(language),
                    },
                    reverse("vendors:detail", args=[c.vendor_id]),
                )
            )
        for v in vendors.filter(next_reassessment_on__gte=since):
            out.append(
                (
                    f"reassessment-{v.pk}",
                    v.next_reassessment_on,
                    _("Reassessment due: %(vendor)s") % {"vendor": v.display_name(language)},
                    reverse("vendors:detail", args=[v.pk]),
                )
            )
    return sorted(out, key=lambda e: (e[1], e[0]))


def feed(user, today: date | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//DueDiligence//Due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "DueDiligence")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "duediligence"
    stamp = timezone.now()
    for uid, day, summary, path in entries(user, today):
        event = Event()
        event.add("uid", f"{uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", summary)
        event.add("url", f"{settings.SITE_URL}{path}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def new_feed(user) -> str:
    """A new secret address for ``user`` (the old one stops working); returns the token,
    which is shown once and stored only hashed."""
    from django.db import transaction

    from .models import CalendarFeed, hash_token

    token = CalendarFeed.new_token()
    with transaction.atomic():
        revoke_feed(user)
        CalendarFeed.objects.create(user=user, token_hash=hash_token(token))
    return token


def revoke_feed(user) -> int:
    from .models import CalendarFeed

    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def live_feed(token: str):
    """The live feed of this token, or None (unknown, revoked, or its user is gone)."""
    from .models import CalendarFeed, hash_token

    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.filter(
            token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
