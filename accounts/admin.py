from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_active", "last_login")
    list_filter = ("is_active", "groups")
    fieldsets = (*DjangoUserAdmin.fieldsets, (None, {"fields": ("language",)}))


# The operation log is read-only for everyone, superusers included.
from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin  # noqa: E402
from auditlog.models import LogEntry  # noqa: E402

from .models import AccessEvent, AccessReview  # noqa: E402

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ReadOnlyLogEntryAdmin(AuditlogLogEntryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    list_display = ("timestamp", "kind", "username", "remote_addr", "path")
    list_filter = ("kind",)
    search_fields = ("username", "remote_addr", "path")
    readonly_fields = [f.name for f in AccessEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessReview)
class AccessReviewAdmin(admin.ModelAdmin):
    list_display = ("completed_at", "reviewer", "vendor_count", "idle_user_count")
    readonly_fields = ("reviewer", "completed_at", "notes", "vendor_count", "idle_user_count")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
