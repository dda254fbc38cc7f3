from django.contrib import admin

from .models import Finding, ScoringPolicy


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    """Rating bands, the critical cap, the residual-risk matrix and reassessment months.
    Validated by ScoringPolicy.clean(); approved assessments keep their snapshot."""

    list_display = ("__str__", "critical_cap", "updated_at")

    def has_add_permission(self, request):
        return not ScoringPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("item", "vendor", "severity", "status", "owner", "due_date")
    list_filter = ("severity", "status")
    search_fields = ("vendor__name", "item__code")
    list_select_related = ("item", "vendor", "owner")
    raw_id_fields = ("assessment", "vendor", "item", "owner")

    def has_add_permission(self, request):
        return False
