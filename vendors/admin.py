from django.contrib import admin

from .models import Certification, Contact, Contract, StoredFile, Tag, Vendor


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ("kind", "registration_number", "valid_from", "valid_until")


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ("name", "name_kana", "corporate_number", "status", "inherent_tier", "owner")
    list_filter = ("status", "inherent_tier", "archived_at")
    search_fields = ("name", "name_kana", "name_en", "corporate_number")
    list_select_related = ("owner",)
    filter_horizontal = ("assigned_staff", "tags")
    readonly_fields = ("inherent_tier", "created_at", "updated_at")
    inlines = [ContactInline, CertificationInline]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ("vendor", "kind", "registration_number", "valid_until")
    list_filter = ("kind",)
    search_fields = ("vendor__name", "registration_number", "certification_body")
    list_select_related = ("vendor",)
    raw_id_fields = ("vendor", "evidence")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("vendor", "kind", "signed_on", "expires_on")
    list_filter = ("kind",)
    list_select_related = ("vendor",)
    raw_id_fields = ("vendor", "file")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = [f.name for f in StoredFile._meta.fields]

    def has_add_permission(self, request):
        return False
