"""The registry's admin site (its own module: admin.py registers on it)."""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class RegistryAdminSite(admin.AdminSite):
    site_header = _("Cooperation registry")
    site_title = _("Cooperation registry")
    index_title = _("Records")

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_sample_data": apps.get_model("cooperation", "Institution")
            .objects.filter(is_sample=True)
            .exists(),
        }
        return super().index(request, extra_context)
