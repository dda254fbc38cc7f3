from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are made by workers and changed only through the app."""

    list_display = (
        "assessment",
        "language",
        "status",
        "requested_by",
        "requested_at",
        "page_count",
    )
    list_filter = ("status", "language", "draft")
    list_select_related = ("assessment__vendor", "requested_by")
    search_fields = ("assessment__vendor__name", "assessment__vendor__name_en", "fingerprint")
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
