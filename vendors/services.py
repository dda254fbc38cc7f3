"""Writes to vendors and what belongs to them. History comes from django-auditlog."""

from django.db import transaction
from django.utils import timezone

from .models import Vendor
from .uploads import store_upload


@transaction.atomic
def save_vendor(form, contacts, *, user) -> Vendor:
    """Create or update a vendor with its contacts; a new vendor is owned by its creator."""
    vendor = form.save(commit=False)
    if not vendor.pk:
        vendor.owner = user
    vendor.save()
    form.save_tags(vendor)
    contacts.instance = vendor
    contacts.save()
    return vendor


@transaction.atomic
def save_with_file(form, *, vendor, user, upload_field: str, file_attr: str):
    """Save a certification or contract, storing its new file first when one came."""
    obj = form.save(commit=False)
    obj.vendor = vendor
    upload = form.cleaned_data.get(upload_field)
    if upload:
        setattr(obj, file_attr, store_upload(upload, folder=f"vendors/{vendor.pk}", user=user))
    obj.save()
    return obj


def change_status(vendor: Vendor, status: str) -> None:
    vendor.status = status
    fields = ["status", "updated_at"]
    if status == Vendor.Status.OFFBOARDED:
        vendor.offboarded_at = timezone.now()
        fields.append("offboarded_at")
    vendor.save(update_fields=fields)


def archive(vendor: Vendor) -> None:
    vendor.archived_at = timezone.now()
    vendor.save(update_fields=["archived_at", "updated_at"])


def restore(vendor: Vendor) -> None:
    vendor.archived_at = None
    vendor.save(update_fields=["archived_at", "updated_at"])
