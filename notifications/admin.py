from django.contrib import admin

from .models import CalendarFeed, Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read only: the in-app delivery log (/notifications/deliveries/) re-sends."""

    list_display = (
        "created_at",
        "kind",
        "object_key",
        "recipient_key",
        "step",
        "status",
        "attempts",
    )
    list_filter = ("status", "channel", "kind")
    search_fields = ("object_key", "recipient_key", "email", "error")
    list_select_related = ("user", "contact")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "created_at")

    def has_add_permission(self, request):
        return False
