from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core import events

from . import webhooks
from .models import WebhookDelivery, WebhookEndpoint


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=events.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "secret", "allow_private_network", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "is_active", "allow_private_network", "created_at"]
    list_filter = ["is_active", "allow_private_network"]
    search_fields = ["name", "url"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "endpoint",
        "status",
        "response_code",
        "attempts",
        "duration_ms",
        "last_attempt_at",
    ]
    list_filter = ["status", "endpoint"]
    list_select_related = ["event", "endpoint"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected deliveries again"))
    def resend(self, request, queryset):
        count = sum(webhooks.resend(delivery) for delivery in queryset)
        self.message_user(
            request, _("%(count)s deliveries queued again.") % {"count": count}, messages.SUCCESS
        )
