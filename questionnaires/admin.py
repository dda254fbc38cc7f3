from django.contrib import admin

from .models import ChecklistVersion, Item, Section


class DraftOnlyAdmin(admin.ModelAdmin):
    """Published and retired versions never change, not even through the admin."""

    def is_draft(self, obj) -> bool:
        return obj.version.is_draft

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.is_draft(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self.is_draft(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(DraftOnlyAdmin):
    list_display = ("checklist", "number", "label", "status", "created_at", "published_at")
    list_filter = ("status", "checklist")
    search_fields = ("label", "checklist__name_ja", "checklist__name_en")
    list_select_related = ("checklist",)
    readonly_fields = ("status", "created_from", "created_by", "published_at", "published_by")

    def is_draft(self, obj) -> bool:
        return obj.is_draft


@admin.register(Section)
class SectionAdmin(DraftOnlyAdmin):
    list_display = ("code", "title_ja", "title_en", "version", "position", "weight", "risk_area")
    list_filter = ("version__status", "risk_area")
    search_fields = ("code", "title_ja", "title_en")
    list_select_related = ("version__checklist",)
    raw_id_fields = ("version",)


@admin.register(Item)
class ItemAdmin(DraftOnlyAdmin):
    list_display = ("code", "question_ja", "answer_type", "weight", "critical", "version")
    list_filter = ("version__status", "answer_type", "critical", "evidence_expected")
    search_fields = ("code", "question_ja", "question_en")
    list_select_related = ("version__checklist",)
    raw_id_fields = ("section",)
