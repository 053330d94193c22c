"""The registry's admin site and its dashboard (own module: admin.py
registers the models on it)."""

import heapq

from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import scoping
from .two_factor import TwoFactorAdminSite

DASHBOARD_ROWS = 8


class RegistryAdminSite(TwoFactorAdminSite, admin.AdminSite):
    site_header = _("Cooperation registry")
    site_title = _("Cooperation registry")
    index_title = _("Dashboard")

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            **dashboard(request),
        }
        return super().index(request, extra_context)


def changelist(model_name: str, query: str = "") -> str:
    url = reverse(f"admin:cooperation_{model_name}_changelist")
    return f"{url}?{query}" if query else url


def recent_changes(user, limit: int) -> list[dict]:
    """The latest history entries of every record type the user may see,
    newest first, with who made them (one query per record type)."""
    entries = []
    for name in ("institution", "agreement", "exchange", "interest"):
        model = apps.get_model("cooperation", name)
        history = model.history.all()
        if scoping.is_scoped(user):
            visible = scoping.scope_for(user, model._default_manager.all())
            history = history.filter(id__in=visible.values("pk"))
        for entry in history.select_related("history_user").order_by("-history_date")[
            :limit
        ]:
            try:
                url = reverse(f"admin:cooperation_{name}_change", args=[entry.id])
            except NoReverseMatch:
                url = ""
            entries.append(
                {
                    "when": entry.history_date,
                    "who": entry.history_user,
                    "what": str(entry.instance),
                    "kind": model._meta.verbose_name,
                    "action": entry.get_history_type_display(),
                    "url": url if entry.history_type != "-" else "",
                }
            )
    return heapq.nlargest(limit, entries, key=lambda entry: entry["when"])


def dashboard(request) -> dict:
    """What an international-relations office checks each morning (queries)."""
    if not request.user.is_active or not request.user.is_staff:
        return {}
    Agreement = apps.get_model("cooperation", "Agreement")
    Exchange = apps.get_model("cooperation", "Exchange")
    Institution = apps.get_model("cooperation", "Institution")
    Interest = apps.get_model("cooperation", "Interest")
    today = timezone.localdate()
    user = request.user

    def visible(queryset):
        # A per-institution editor sees only the records of their institutions.
        return scoping.scope_for(user, queryset)

    agreements = visible(Agreement.objects.all())
    exchanges = visible(Exchange.objects.all())
    expiring = agreements.expiring_within(90, on=today).order_by("expires_on")
    starting = (
        exchanges.starting_within(30, on=today)
        .select_related("host")
        .order_by("starts_on")
    )
    new_interests = visible(Interest.objects.filter(status="new")).select_related(
        "exchange"
    )
    # Registrations whose e-mail to the organisers failed: the daily
    # send_interest_notifications tries again; until then staff should know.
    unnotified = visible(
        Interest.objects.filter(notification_failed=True)
    ).select_related("exchange")
    return {
        "has_sample_data": Institution.objects.filter(is_sample=True).exists(),
        "dashboard": {
            "counts": [
                (
                    _("institutions"),
                    visible(Institution.objects.all()).count(),
                    changelist("institution"),
                ),
                (
                    _("active agreements"),
                    agreements.active_on(today).count(),
                    changelist("agreement", "state=active"),
                ),
                (
                    _("upcoming exchanges"),
                    exchanges.upcoming(today).count(),
                    changelist("exchange", "state=planned"),
                ),
                (
                    _("new interest registrations"),
                    new_interests.count(),
                    changelist("interest", "status__exact=new"),
                ),
            ],
            "expiring": expiring[:DASHBOARD_ROWS],
            "expiring_count": expiring.count(),
            "expiring_url": changelist("agreement", "expiring=90"),
            "starting": starting[:DASHBOARD_ROWS],
            "starting_count": starting.count(),
            "starting_url": changelist("exchange", "starting=30"),
            "interests": new_interests[:DASHBOARD_ROWS],
            "interests_url": changelist("interest", "status__exact=new"),
            "unnotified": unnotified[:DASHBOARD_ROWS],
            "unnotified_count": unnotified.count(),
            "unnotified_url": changelist("interest", "notification_failed__exact=1"),
            "changes": recent_changes(user, DASHBOARD_ROWS * 2),
        },
    }
