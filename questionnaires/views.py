from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.access import permission_required, role_required


@role_required
def index(request):
    return render(request, "placeholder.html", {"title": _("Assessments")})


@permission_required("manage_checklist")
def checklist(request):
    return render(request, "placeholder.html", {"title": _("Checklist")})
