from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Cooperation registry")
    default_auto_field = "django.db.models.BigAutoField"
    default = True


class RegistryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the registry's own admin site."""

    default = False
    default_site = "cooperation.sites.RegistryAdminSite"
