from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Vendors")

    def ready(self):
        # A contact's name, e-mail and phone are part of its vendor's search key.
        from django.db.models.signals import post_delete, post_migrate, post_save

        from .models import Contact

        post_save.connect(contact_changed, sender=Contact, dispatch_uid="vendor-search-contact")
        post_delete.connect(
            contact_changed, sender=Contact, dispatch_uid="vendor-search-contact-del"
        )

        # SQLite drops the search index's triggers when a migration rebuilds the table.
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="vendor-search-index")


def contact_changed(sender, instance, **kwargs):
    from .models import refresh_vendor_search_key

    refresh_vendor_search_key(instance.vendor_id)


def _ensure_search_index(sender, using, **kwargs):
    from django.db import connections

    from .search_index import ensure_index

    ensure_index(connections[using])
