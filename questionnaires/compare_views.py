from collections import defaultdict

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import permission_required
from duediligence.csvexport import csv_response
from vendors.access import vendors_visible_to

from .comparison import MAX_VENDORS, MIN_VENDORS, compare

SEARCH_LIMIT = 30


def _selected(request):
    """The vendor ids in the query, in order; anything but a plain id is ignored."""
    ids = []
    for raw in request.GET.getlist("v"):
        # ASCII digits only ("²".isdigit() is true) and short enough for a bigint column.
        if raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) not in ids:
            ids.append(int(raw))
    return ids


@permission_required("compare_vendors")
def index(request):
    visible = vendors_visible_to(request.user).filter(archived_at__isnull=True)
    ids = _selected(request)
    selected = list(visible.filter(pk__in=ids)) if ids else []
    selected.sort(key=lambda v: ids.index(v.pk))
    error = None
    columns = rows = None
    if ids and not MIN_VENDORS <= len(selected) <= MAX_VENDORS:
        error = _("Choose between %(min)s and %(max)s vendors you may see.") % {
            "min": MIN_VENDORS,
            "max": MAX_VENDORS,
        }
    elif selected:
        columns, rows = compare(visible.filter(pk__in=[v.pk for v in selected]).order_by("pk"))
        order = {v.pk: i for i, v in enumerate(selected)}
        columns, rows = _reorder(columns, rows, order)
        if request.GET.get("format") == "csv":
            return _csv(columns, rows)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    candidates = visible.exclude(pk__in=ids)
    if q:
        candidates = candidates.filter(
            Q(name__icontains=q)
            | Q(name_kana__icontains=q)
            | Q(name_en__icontains=q)
            | Q(engagement__icontains=q)
        )
    engagements = (
        visible.exclude(engagement="")
        .values("engagement")
        .annotate(n=Count("pk"))
        .filter(n__gte=MIN_VENDORS)
        .order_by("engagement")[:20]
    )
    counts = {row["engagement"]: row["n"] for row in engagements}
    # One query for the vendors of every engagement shown, not one per engagement.
    members = defaultdict(list)
    for name, pk in (
        visible.filter(engagement__in=list(counts))
        .order_by("engagement", "name_kana", "pk")
        .values_list("engagement", "pk")
    ):
        members[name].append(pk)
    engagement_links = [
        (name, n, "&".join(f"v={pk}" for pk in members[name][:MAX_VENDORS]))
        for name, n in counts.items()
    ]
    return render(
        request,
        "questionnaires/compare.html",
        {
            "selected": selected,
            "columns": columns,
            "rows": rows,
            "error": error,
            "q": q,
            "candidates": candidates.order_by("name_kana", "pk")[:SEARCH_LIMIT],
            "engagement_links": engagement_links,
            "selected_query": "&".join(f"v={v.pk}" for v in selected),
            "nav_active": "compare",
        },
    )


def _reorder(columns, rows, order):
    index = sorted(range(len(columns)), key=lambda i: order[columns[i]["vendor"].pk])
    columns = [columns[i] for i in index]
    for row in rows:
        row.cells = [row.cells[i] for i in index]
        if row.scores:
            row.scores = [row.scores[i] for i in index]
    return columns, rows


def _csv(columns, rows):
    header = [_("Group"), _("Item"), *[c["vendor"].name for c in columns]]
    body = [[row.group, row.label, *row.cells] for row in rows]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(f"vendor-comparison-{stamp}.csv", header, body)
