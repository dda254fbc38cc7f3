from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .figures import dashboard_figures


@login_required
def dashboard(request):
    if request.user.role is None:
        # A user without a role may only see their own profile.
        return redirect("accounts:profile")
    return render(
        request,
        "dashboard/dashboard.html",
        {"figures": dashboard_figures(request.user), "nav_active": "dashboard"},
    )
