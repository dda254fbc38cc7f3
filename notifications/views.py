from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.access import permission_required, role_required

from . import calendar, registry, services
from .forms import DeliveryFilterForm, NotificationFilterForm, PreferencesForm
from .models import Delivery, Notification

PAGE_SIZE = 25


def _next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@role_required
def index(request):
    form = NotificationFilterForm(request.GET or None)
    rows = Notification.objects.filter(user=request.user)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["unread"]:
            rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page:
        notification.text = services.summary(notification.kind, notification.context)
        notification.label = registry.label(notification.kind)
    return render(
        request,
        "notifications/index.html",
        {"page": page, "form": form, "unread": services.unread_count(request.user)},
    )


@never_cache
@require_GET
@role_required
def bell(request):
    """The bell's count, fetched by htmx on load and every minute while a page is open.
    It does not count as activity: the session's idle timeout runs on."""
    response = render(
        request,
        "notifications/_bell.html",
        {"unread": services.unread_count(request.user), "refreshed": True},
    )
    response.keeps_session_idle = True
    return response


@require_GET
@role_required
def open_notification(request, pk):
    """Mark one notification read and go to its object (whose own page checks access)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, [notification.pk])
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target:
        target = reverse("notifications:index")
    return redirect(target)


@require_POST
@role_required
def mark_read(request):
    ids = request.POST.getlist("id")
    pks = [int(i) for i in ids if i.isdigit()] if ids else None
    count = services.mark_read(request.user, pks)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect(_next(request, reverse("notifications:index")))


@role_required
def preferences(request):
    form = PreferencesForm(request.POST or None, current=services.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.cleaned_data)
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("notifications:preferences")
    rows = [(form[k.code], k) for k in registry.user_kinds()]
    return render(request, "notifications/preferences.html", {"form": form, "rows": rows})


@never_cache
@role_required
def calendar_page(request):
    live = request.user.calendar_feeds.filter(revoked_at__isnull=True).first()
    # The address is shown once, right after it is made; only its hash is stored.
    token = request.session.pop("calendar_token", None)
    url = (
        request.build_absolute_uri(reverse("notifications:calendar_feed", args=[token]))
        if token and live
        else None
    )
    return render(request, "notifications/calendar.html", {"live": live, "feed_url": url})


@require_POST
@role_required
def calendar_new(request):
    request.session["calendar_token"] = calendar.new_feed(request.user)
    messages.success(request, _("A new calendar address was made; the old one no longer works."))
    return redirect("notifications:calendar")


@require_POST
@role_required
def calendar_revoke(request):
    if calendar.revoke_feed(request.user):
        messages.success(request, _("Your calendar address was revoked."))
    return redirect("notifications:calendar")


@never_cache
@require_GET
def calendar_feed(request, token):
    """The feed itself: no session (calendar apps have none), the secret is the token."""
    feed = calendar.live_feed(token)
    if feed is None:
        raise Http404
    body = calendar.feed(feed.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="duediligence.ics"'
    response["Referrer-Policy"] = "no-referrer"
    return response


@permission_required("manage_users")
def deliveries(request):
    form = DeliveryFilterForm(request.GET or None)
    rows = Delivery.objects.select_related("user", "contact").order_by("-created_at", "-pk")
    if form.is_valid():
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for delivery in page:
        delivery.label = registry.label(delivery.kind)
    return render(request, "notifications/deliveries.html", {"page": page, "form": form})


@require_POST
@permission_required("manage_users")
def resend(request, pk):
    delivery = get_object_or_404(Delivery, pk=pk)
    outcome = services.resend(delivery, user=request.user)
    text = {
        "sent": _("The message was sent again."),
        "retry": _("The mail server refused the message; it will be tried again."),
        "failed": _("The message could not be sent; see the reason in the log."),
        "skipped": _("Only sent or failed messages can be sent again."),
    }[outcome]
    (messages.success if outcome == "sent" else messages.warning)(request, text)
    return redirect(_next(request, reverse("notifications:deliveries")))
