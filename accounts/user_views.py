"""User management for administrators: list, create with a role, edit, deactivate and
reactivate, reset two-factor authentication, e-mail a password-set link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles, services
from .access import permission_required
from .forms import UserFilterForm, UserForm
from .models import User

PAGE_SIZE = 50


def _people(form):
    has_device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    people = User.objects.prefetch_related("groups").annotate(two_factor=Exists(has_device))
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("q"):
        q = data["q"]
        people = people.filter(
            Q(username__icontains=q)
            | Q(last_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(email__icontains=q)
        )
    role = data.get("role")
    if role in roles.ROLES:
        people = people.filter(groups__name=role)
    elif role == "none":
        people = people.exclude(groups__name__in=roles.ROLES)
    active = data.get("active", "")
    if active == "":
        people = people.filter(is_active=True)
    elif active == "inactive":
        people = people.filter(is_active=False)
    return people.order_by("username")


@permission_required("manage_users")
def users(request):
    form = UserFilterForm(request.GET or None)
    page = Paginator(_people(form), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/users.html", {"form": form, "page": page, "nav_active": "users"}
    )


@permission_required("manage_users")
def user_create(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = services.create_user(
            by=request.user, **{k: v for k, v in data.items() if k != "send_link"}
        )
        messages.success(request, _("The user %(name)s was created.") % {"name": person})
        if data["send_link"]:
            _send_link(request, person)
        return redirect("accounts:user_edit", person.pk)
    return render(
        request, "accounts/user_form.html", {"form": form, "person": None, "nav_active": "users"}
    )


@permission_required("manage_users")
def user_edit(request, pk):
    person = get_object_or_404(User.objects.prefetch_related("groups"), pk=pk)
    form = UserForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "username"}
        try:
            services.update_user(by=request.user, user=person, **data)
        except ValidationError as error:
            form.add_error("role", error)
        else:
            messages.success(request, _("The changes to %(name)s were saved.") % {"name": person})
            return redirect("accounts:user_edit", person.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "two_factor": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
            "is_self": person.pk == request.user.pk,
            "nav_active": "users",
        },
    )


def _send_link(request, person):
    try:
        services.send_password_link(by=request.user, user=person, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except OSError:  # the mail server refused or is unreachable
        messages.error(request, _("The e-mail could not be sent. Try again later."))
    else:
        messages.success(
            request,
            _("A link to choose a password was sent to %(email)s.") % {"email": person.email},
        )


ACTIONS = ("deactivate", "reactivate", "reset_two_factor", "send_link")


@require_POST
@permission_required("manage_users")
def user_action(request, pk, name):
    person = get_object_or_404(User, pk=pk)
    if name not in ACTIONS:
        return redirect("accounts:user_edit", person.pk)
    if name == "send_link":
        _send_link(request, person)
        return redirect("accounts:user_edit", person.pk)
    try:
        if name == "reset_two_factor":
            services.reset_two_factor(by=request.user, user=person, request=request)
            done = _("Two-factor authentication of %(name)s was reset.")
        else:
            active = name == "reactivate"
            services.set_active(by=request.user, user=person, active=active, request=request)
            done = _("%(name)s was reactivated.") if active else _("%(name)s was deactivated.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"name": person})
    return redirect("accounts:user_edit", person.pk)
