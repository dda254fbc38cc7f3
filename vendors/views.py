from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from core import confirm
from core.paging import CappedPaginator

from . import selectors, services
from .access import can_delete_vendor, can_edit_vendor, can_reassign, get_vendor_for_user
from .exports import vendor_export
from .forms import (
    AssignmentForm,
    CertificationForm,
    ContactForm,
    ContactFormSet,
    ContractForm,
    StatusForm,
    VendorFilterForm,
    VendorForm,
)
from .models import Certification, Contract, Vendor
from .uploads import file_response

PAGE_SIZE = 25


@role_required
def index(request):
    filters = VendorFilterForm(request.GET or None)
    params = filters.cleaned_data if filters.is_valid() else {}
    vendors = selectors.vendor_list(request.user, **{k: v for k, v in params.items() if v})
    if request.GET.get("format") in ("csv", "xlsx"):
        return vendor_export(vendors, request.GET["format"], get_language() or "ja")
    page = CappedPaginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "vendors/vendor_list.html",
        {
            "page": page,
            "filters": filters,
            # How many of the drop-downs a phone folds away are set (its button says so).
            "active_filters": sum(
                1 for k, v in params.items() if v and k not in ("q", "archived", "sort")
            ),
            "can_create": request.user.has_perm("accounts.register_vendors"),
            "nav_active": "vendors",
        },
    )


@role_required
def detail(request, pk):
    vendor = selectors.vendor_detail(request.user, pk)
    return render(
        request,
        "vendors/vendor_detail.html",
        {
            "vendor": vendor,
            "can_edit": can_edit_vendor(request.user, vendor),
            "can_reassign": can_reassign(request.user),
            "can_start_assessment": can_edit_vendor(request.user, vendor)
            and request.user.has_perm("accounts.answer_assessments"),
            "can_delete": can_delete_vendor(request.user),
            "status_form": StatusForm(vendor),
            "today": timezone.localdate(),
            "nav_active": "vendors",
        },
    )


@role_required
def create(request):
    if not request.user.has_perm("accounts.register_vendors"):
        raise PermissionDenied
    return _edit(request, Vendor())


@role_required
def edit(request, pk):
    return _edit(request, get_vendor_for_user(request.user, pk, write=True))


def _edit(request, vendor):
    form = VendorForm(request.POST or None, instance=vendor)
    contacts = ContactFormSet(request.POST or None, instance=vendor, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        vendor = services.save_vendor(
            user=request.user,
            vendor=vendor,
            categories=form.cleaned_data["category_codes"],
            tags=form.cleaned_data["tag_names"],
            contacts=[
                {**{k: v for k, v in f.cleaned_data.items() if k in ContactForm.Meta.fields}}
                | ({"pk": f.instance.pk} if f.instance.pk else {})
                for f in contacts.forms
                if f.cleaned_data and f not in contacts.deleted_forms and f.has_changed()
            ],
            removed_contacts=[f.instance.pk for f in contacts.deleted_forms if f.instance.pk],
            **data,
        )
        messages.success(request, _("The vendor was saved."))
        return redirect(vendor)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing has been saved yet."))
    return render(
        request,
        "vendors/vendor_form.html",
        {"form": form, "contacts": contacts, "vendor": vendor, "nav_active": "vendors"},
    )


@role_required
def assign(request, pk):
    vendor = get_vendor_for_user(request.user, pk)
    if not can_reassign(request.user):
        raise PermissionDenied
    form = AssignmentForm(request.POST or None, instance=vendor)
    if request.method == "POST" and form.is_valid():
        services.assign(
            vendor,
            owner=form.cleaned_data["owner"],
            assigned_staff=form.cleaned_data["assigned_staff"],
        )
        messages.success(request, _("The assignments were saved."))
        return redirect(vendor)
    return render(
        request,
        "vendors/assign_form.html",
        {"form": form, "vendor": vendor, "nav_active": "vendors"},
    )


@require_POST
@role_required
def change_status(request, pk):
    vendor = get_vendor_for_user(request.user, pk, write=True)
    form = StatusForm(vendor, request.POST)
    if form.is_valid():
        services.change_status(vendor, form.cleaned_data["status"])
        messages.success(request, _("The status was changed."))
    else:
        for error in form.errors.get("status", []):
            messages.error(request, error)
    return redirect(vendor)


@require_POST
@role_required
def archive(request, pk):
    vendor = get_vendor_for_user(request.user, pk, write=True)
    if vendor.is_archived:
        services.restore(vendor)
        messages.success(request, _("The vendor was restored from the archive."))
    else:
        services.archive(vendor)
        messages.success(request, _("The vendor was archived."))
    return redirect(vendor)


@role_required
def delete(request, pk):
    vendor = get_vendor_for_user(request.user, pk)
    if not can_delete_vendor(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.delete_vendor(vendor)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(vendor)
        messages.success(request, _("The vendor was deleted."))
        return redirect("vendors:index")
    return render(request, "vendors/vendor_delete.html", {"vendor": vendor})


def _part_form(request, pk, model, form_class, part_id, upload_field, file_attr, headings):
    vendor = get_vendor_for_user(request.user, pk, write=True)
    instance = (
        get_object_or_404(model, pk=part_id, vendor=vendor) if part_id else model(vendor=vendor)
    )
    form = form_class(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.save_part(
            instance,
            vendor=vendor,
            user=request.user,
            upload=form.cleaned_data.get(upload_field),
            file_attr=file_attr,
            **data,
        )
        messages.success(request, _("Saved."))
        return redirect(vendor)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing has been saved yet."))
    heading = headings[1] if instance.pk else headings[0]
    return render(
        request,
        "vendors/part_form.html",
        {"form": form, "vendor": vendor, "heading": heading, "nav_active": "vendors"},
    )


@role_required
def certification_form(request, pk, cid=None):
    return _part_form(
        request,
        pk,
        Certification,
        CertificationForm,
        cid,
        "evidence_file",
        "evidence",
        (_("Add certification"), _("Edit certification")),
    )


@role_required
def contract_form(request, pk, cid=None):
    return _part_form(
        request,
        pk,
        Contract,
        ContractForm,
        cid,
        "contract_file",
        "file",
        (_("Add contract"), _("Edit contract")),
    )


@require_http_methods(["GET", "POST"])
@role_required
def part_delete(request, pk, kind, cid):
    vendor = get_vendor_for_user(request.user, pk, write=True)
    model = {"certifications": Certification, "contracts": Contract}.get(kind)
    if model is None:
        raise Http404
    part = get_object_or_404(model, pk=cid, vendor=vendor)
    if not confirm.is_confirmed(request):
        return _confirm_part_delete(request, vendor, part)
    part.delete()
    messages.success(request, _("Deleted."))
    return redirect(vendor)


def _confirm_part_delete(request, vendor, part):
    name = vendor.display_name(get_language())
    if isinstance(part, Certification):
        title = _("Delete the certification")
        details = [
            (_("Type"), part.get_kind_display()),
            (_("Registration number"), part.registration_number or "—"),
            (_("Valid until"), date_format(part.valid_until) if part.valid_until else "—"),
        ]
        attached = part.evidence
    else:
        title = _("Delete the contract")
        details = [
            (_("Kind"), part.get_kind_display()),
            (_("Title"), part.title or "—"),
            (_("Signed on"), date_format(part.signed_on) if part.signed_on else "—"),
        ]
        attached = part.file
    if attached:
        details.append((_("Attached file"), attached.original_name))
    return confirm.confirmation_page(
        request,
        title=title,
        question=_("Delete this record of %(vendor)s? It cannot be undone.") % {"vendor": name},
        action_url=request.path,
        confirm_label=_("Delete"),
        cancel_url=vendor.get_absolute_url(),
        details=[(_("Vendor"), name), *details],
        extra={"nav_active": "vendors"},
    )


@role_required
def part_file(request, pk, kind, cid):
    vendor = get_vendor_for_user(request.user, pk)
    if kind == "certifications":
        stored = get_object_or_404(Certification, pk=cid, vendor=vendor).evidence
    elif kind == "contracts":
        stored = get_object_or_404(Contract, pk=cid, vendor=vendor).file
    else:
        raise Http404
    if stored is None or stored.deleted_at:
        raise Http404
    return file_response(stored)
