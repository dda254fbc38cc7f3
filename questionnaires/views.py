from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.access import role_required


@role_required
def index(request):
    return render(request, "placeholder.html", {"title": _("Assessments")})
