from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The main navigation, trimmed to what the signed-in user's role may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role is None:
        return {"nav_items": []}
    items = [
        ("dashboard", _("Dashboard"), reverse("dashboard")),
        ("vendors", _("Vendors"), reverse("vendors:index")),
        ("assessments", _("Assessments"), reverse("assessments:index")),
        ("findings", _("Findings"), reverse("assessments:findings")),
        ("incidents", _("Incidents"), reverse("incidents:index")),
        ("reports", _("Reports"), reverse("reports:index")),
    ]
    if user.has_perm("accounts.compare_vendors"):
        items.insert(4, ("compare", _("Compare"), reverse("assessments:compare")))
    if user.has_perm("accounts.view_audit_log"):
        items.append(("audit", _("Audit log"), reverse("audit:changes")))
    if user.has_perm("accounts.manage_checklist"):
        items.append(("checklist", _("Checklist"), reverse("questionnaires:checklist")))
    if user.has_perm("accounts.manage_users"):
        items.append(("users", _("Users"), reverse("accounts:users")))
    return {"nav_items": items}
