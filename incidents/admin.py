from django.contrib import admin

from .models import Incident, IncidentPolicy, IncidentRevision, IncidentStep


class StepInline(admin.TabularInline):
    model = IncidentStep
    extra = 0
    fields = ("kind", "happened_at", "note", "recorded_by", "recorded_by_contact")
    raw_id_fields = ("recorded_by", "recorded_by_contact")


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("title", "vendor", "aware_at", "reportable", "final_report_due_on", "status")
    list_filter = ("status", "reportable", "malicious", "sensitive_data", "my_number")
    search_fields = ("title", "vendor__name", "vendor__name_en")
    list_select_related = ("vendor",)
    raw_id_fields = ("vendor", "assessment", "contract", "reported_by", "reported_by_contact")
    readonly_fields = (
        *Incident.DERIVED,
        "quick_report_sent_on",
        "notice_sent_on",
        "final_report_sent_on",
        "closed_at",
    )
    inlines = [StepInline]


@admin.register(IncidentRevision)
class IncidentRevisionAdmin(admin.ModelAdmin):
    list_display = ("incident", "changed_at", "changed_by", "reportable", "cases")
    list_select_related = ("incident", "changed_by")
    raw_id_fields = ("incident", "changed_by", "changed_by_contact")


@admin.register(IncidentPolicy)
class IncidentPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "quick_report_days", "notice_days", "reassessment_days")
