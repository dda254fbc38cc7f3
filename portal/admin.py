from django.contrib import admin

from .models import Invitation, RemediationProposal


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["contact", "assessment", "kind", "expires_at", "revoked_at", "submitted_at"]
    list_filter = ["kind"]
    list_select_related = ["contact", "assessment__vendor"]
    search_fields = ["contact__email", "contact__name", "assessment__vendor__name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False  # invitations are made by the service, which sends the link


@admin.register(RemediationProposal)
class RemediationProposalAdmin(admin.ModelAdmin):
    list_display = ["finding", "status", "target_date", "created_at"]
    list_filter = ["status"]
    list_select_related = ["finding__item"]
