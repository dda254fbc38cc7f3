"""Writes to vendors and what belongs to them. History comes from django-auditlog."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Contact, Tag, Vendor
from .uploads import store_upload


@transaction.atomic
def save_vendor(
    *,
    user,
    vendor: Vendor | None = None,
    categories=(),
    tags=(),
    contacts=(),
    removed_contacts=(),
    **fields,
) -> Vendor:
    """Create or update a vendor with its tags and contacts; a new vendor is owned by its
    creator. ``contacts`` are dicts of Contact fields, with ``pk`` for existing ones;
    ``removed_contacts`` are pks of the vendor's contacts to delete."""
    created = vendor is None or vendor.pk is None
    if created:
        vendor = vendor or Vendor()
        vendor.owner = user
    for name, value in fields.items():
        setattr(vendor, name, value)
    vendor.set_categories(categories)
    vendor.save()
    if tags or not created:  # a new vendor has no tags to clear (a query per bulk-imported row)
        vendor.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
    for data in contacts:
        data = dict(data)
        pk = data.pop("pk", None)
        contact = vendor.contacts.get(pk=pk) if pk else Contact(vendor=vendor)
        for name, value in data.items():
            setattr(contact, name, value)
        contact.save()
    if removed_contacts:
        for contact in vendor.contacts.filter(pk__in=list(removed_contacts)):
            contact.delete()  # one by one, so each deletion is audited
    return vendor


@transaction.atomic
def save_part(part, *, vendor: Vendor, user, upload=None, file_attr: str, **fields):
    """Save a certification or contract of the vendor, storing its new file first when
    one came."""
    part.vendor = vendor
    for name, value in fields.items():
        setattr(part, name, value)
    part.clean()  # the model's own rules: normalised numbers, dates in order
    if upload:
        setattr(part, file_attr, store_upload(upload, folder=f"vendors/{vendor.pk}", user=user))
    part.save()
    return part


@transaction.atomic
def assign(vendor: Vendor, *, owner, assigned_staff) -> None:
    """Who owns the vendor and who else works on it (admins only, checked by the view)."""
    vendor.owner = owner
    vendor.save(update_fields=["owner", "updated_at"])
    vendor.assigned_staff.set(assigned_staff)


def delete_vendor(vendor: Vendor) -> None:
    """Only a vendor nothing depends on is deleted; one with assessments is archived."""
    try:
        vendor.delete()
    except ProtectedError:
        raise ValidationError(
            _("This vendor has assessments and cannot be deleted; archive it instead.")
        ) from None


def change_status(vendor: Vendor, status: str) -> None:
    vendor.status = status
    fields = ["status", "updated_at"]
    if status == Vendor.Status.OFFBOARDED:
        vendor.offboarded_at = timezone.now()
        fields.append("offboarded_at")
    vendor.save(update_fields=fields)


def move_after_approval(vendor: Vendor, status: str, *, assessment_id: int) -> str:
    """Move the vendor on in its life cycle as the approval of an assessment chose;
    returns the status it had. The audit entry names the assessment."""
    if status not in vendor.statuses_after_approval():
        raise ValidationError(
            _("A vendor cannot move from “%(current)s” to “%(target)s”.")
            % {"current": vendor.get_status_display(), "target": Vendor.Status(status).label}
        )
    before = vendor.status
    vendor.audit_assessment_id = assessment_id
    change_status(vendor, status)
    return before


def archive(vendor: Vendor) -> None:
    vendor.archived_at = timezone.now()
    vendor.save(update_fields=["archived_at", "updated_at"])


def restore(vendor: Vendor) -> None:
    vendor.archived_at = None
    vendor.save(update_fields=["archived_at", "updated_at"])
