"""The operation log for managers and admins: record changes (django-auditlog) and
access events, filtered and exported as CSV. Nothing here can change an entry."""

from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import permission_required, role_required
from accounts.events import record
from accounts.models import AccessEvent, AccessReview, User
from core.csvexport import csv_response
from vendors.access import get_vendor_for_user
from vendors.models import Vendor

from .display import change_rows, with_related_names
from .history import vendor_history_page

PAGE_SIZE = 50
CSV_LIMIT = 50_000


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("User"), queryset=User.objects.order_by("username"), required=False
    )
    vendor = forms.CharField(
        label=gettext_lazy("Vendor"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Part of the name"),
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("Date from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Date to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, kind="changes", **kwargs):
        super().__init__(*args, **kwargs)
        if kind == "changes":
            choices = [(str(v), label) for v, label in LogEntry.Action.choices]
        else:
            choices = list(AccessEvent.Kind.choices)
            del self.fields["vendor"]
        self.fields["action"].choices = [("", gettext_lazy("All actions")), *choices]

    def bounds(self):
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        start = data.get("date_from") and datetime.combine(data["date_from"], time.min, tz)
        end = data.get("date_to") and datetime.combine(
            data["date_to"] + timedelta(days=1), time.min, tz
        )
        return start, end


def _changes(form):
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            entries = entries.filter(actor=data["user"])
        if data["vendor"].strip():
            entries = entries.filter(additional_data__vendor_id__in=_vendor_ids(data["vendor"]))
        if data["action"] != "":
            entries = entries.filter(action=int(data["action"]))
        start, end = form.bounds()
        if start:
            entries = entries.filter(timestamp__gte=start)
        if end:
            entries = entries.filter(timestamp__lt=end)
    return entries


VENDOR_MATCH_LIMIT = 500


def _vendor_ids(text):
    """The vendors whose name, kana or English name contains ``text`` (archived ones
    too: their history stays), at most VENDOR_MATCH_LIMIT of them."""
    text = text.strip()
    match = Q(name__icontains=text) | Q(name_kana__icontains=text) | Q(name_en__icontains=text)
    return list(
        Vendor.objects.filter(match)
        .order_by("pk")
        .values_list("pk", flat=True)[:VENDOR_MATCH_LIMIT]
    )


def _events(form):
    events = AccessEvent.objects.select_related("user").order_by("-timestamp", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            events = events.filter(user=data["user"])
        if data["action"]:
            events = events.filter(kind=data["action"])
        start, end = form.bounds()
        if start:
            events = events.filter(timestamp__gte=start)
        if end:
            events = events.filter(timestamp__lt=end)
    return events


@permission_required("view_audit_log")
def audit_log(request, kind="changes"):
    form = AuditFilterForm(request.GET or None, kind=kind)
    rows = _changes(form) if kind == "changes" else _events(form)
    if request.GET.get("format") == "csv":
        return _csv(kind, rows[:CSV_LIMIT])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if kind == "changes":
        page.object_list = with_related_names(page.object_list)
    return render(
        request,
        "audit/audit_log.html",
        {
            "form": form,
            "page": page,
            "kind": kind,
            "nav_active": "audit",
        },
    )


def _csv(kind, rows):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "changes":
        header = [
            _("Time"),
            _("User"),
            _("Action"),
            _("Record type"),
            _("Record"),
            _("Changes"),
            _("IP address"),
            _("Vendor"),
            _("Assessment"),
        ]
        body = (
            [
                timezone.localtime(e.timestamp).isoformat(),
                str(e.actor) if e.actor else (e.actor_email or ""),
                e.get_action_display(),
                e.content_type.name if e.content_type else "",
                e.record_label,
                "; ".join(
                    f"{f}: {a} → {b}" if str(a) else f"{f}: {b}" for f, a, b in change_rows(e)
                ),
                e.remote_addr or "",
                e.vendor.name if e.vendor else "",
                e.assessment_label,
            ]
            for e in with_related_names(rows)
        )
    else:
        header = [_("Time"), _("Event"), _("User name"), _("IP address"), _("Path"), _("Detail")]
        body = (
            [
                timezone.localtime(e.timestamp).isoformat(),
                e.get_kind_display(),
                e.username,
                e.remote_addr or "",
                e.path,
                e.detail,
            ]
            for e in rows
        )
    return csv_response(f"audit-{kind}-{stamp}.csv", header, body)


class ReviewForm(forms.Form):
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@permission_required("view_audit_log")
def access_review(request):
    idle_days = _idle_days()
    cutoff = timezone.now() - timedelta(days=idle_days)
    people = User.objects.filter(is_active=True).prefetch_related("groups")
    idle = [u for u in people.order_by("username") if (u.last_login or u.date_joined) < cutoff]
    role_wide = [u for u in people if u.has_perm("accounts.view_all_vendors")]
    vendors = (
        Vendor.objects.filter(archived_at__isnull=True)
        .select_related("owner")
        .prefetch_related(Prefetch("assigned_staff", queryset=User.objects.order_by("username")))
        .order_by("name_kana", "pk")
    )
    page = Paginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("accounts.review_assessments"):
            raise PermissionDenied
        if form.is_valid():
            AccessReview.objects.create(
                reviewer=request.user,
                notes=form.cleaned_data["notes"],
                vendor_count=vendors.count(),
                idle_user_count=len(idle),
            )
            record(AccessEvent.Kind.ACCESS_REVIEW, request, detail=form.cleaned_data["notes"])
            messages.success(request, _("The access review was recorded."))
            return redirect("audit:access_review")
    return render(
        request,
        "audit/access_review.html",
        {
            "page": page,
            "idle": idle,
            "idle_days": idle_days,
            "role_wide": role_wide,
            "reviews": AccessReview.objects.select_related("reviewer")[:10],
            "form": form,
            "can_record": request.user.has_perm("accounts.review_assessments"),
            "nav_active": "audit",
        },
    )


def _idle_days():
    from django.conf import settings

    return settings.ACCESS_REVIEW_IDLE_DAYS


@role_required
def vendor_history(request, pk):
    """A page of the vendor's history: the fragment for the vendor page's panel (htmx),
    or a page of its own without JavaScript."""
    vendor = get_vendor_for_user(request.user, pk)
    context = vendor_history_page(request, vendor, request.GET.get("page"))
    if request.headers.get("HX-Request"):
        return render(request, "audit/_vendor_history.html", context)
    return render(request, "audit/vendor_history.html", {**context, "nav_active": "vendors"})
