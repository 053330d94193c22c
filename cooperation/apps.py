from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import apps as otp_static_apps
from django_otp.plugins.otp_totp import apps as otp_totp_apps


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Cooperation registry")
    default_auto_field = "django.db.models.BigAutoField"
    default = True

    def ready(self) -> None:
        # The admin lives with the staff's code (cooperation/staff/), where
        # the admin's autodiscovery, which looks for cooperation.admin, would
        # not find it.
        from .staff import admin  # noqa: F401


class RegistryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the registry's own admin site."""

    default = False
    default_site = "cooperation.staff.sites.RegistryAdminSite"


class AuthenticatorAppsConfig(otp_totp_apps.DefaultConfig):
    """django-otp's authenticator-app devices, named for the admin's menu
    (superusers remove a member's device there; cooperation/staff/two_factor.py)."""

    default = False
    verbose_name = _("Two-factor sign-in: authenticator apps")


class RecoveryCodesConfig(otp_static_apps.DefaultConfig):
    """django-otp's one-time codes, used as the recovery codes."""

    default = False
    verbose_name = _("Two-factor sign-in: recovery codes")
