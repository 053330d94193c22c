"""The registry's admin site and its dashboard (own module: admin.py
registers the models on it)."""

import dataclasses
import heapq

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models.agreement import academic_year, academic_year_label
from .two_factor import TwoFactorAdminSite

DASHBOARD_ROWS = 8


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete answers, each result labelled as its model
    admin's ``choice_label`` says ("Name — City, Country") and the page
    loaded with what the labels read (``choice_queryset``): a few queries a
    page, however many results it holds."""

    def get_queryset(self):
        queryset = super().get_queryset()
        loader = getattr(self.model_admin, "choice_queryset", None)
        return loader(queryset) if loader else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "choice_label", None)
        if label:
            result["text"] = label(obj)
        return result


class RegistryAdminSite(TwoFactorAdminSite, admin.AdminSite):
    site_header = _("Cooperation registry")
    site_title = _("Cooperation registry")
    index_title = _("Dashboard")

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            **dashboard(request),
        }
        return super().index(request, extra_context)

    def get_urls(self):
        return [
            path("language/", self.choose_language, name="language"),
            *super().get_urls(),
        ]

    def choose_language(self, request):
        """The admin header's language menu (templates/admin/base_site.html):
        remembers the choice for the signed-in user (``User.language``, read
        by AdminLanguageMiddleware on every admin page) and, for the sign-in
        page, in Django's language cookie; then goes back to the page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:index", current_app=self.name)
        response = HttpResponseRedirect(back)
        language = request.POST.get("language", "")
        languages = dict(settings.LANGUAGES)
        if language not in languages:
            messages.error(
                request,
                gettext(
                    "“%(value)s” is not a language of the admin: choose one of "
                    "%(languages)s."
                )
                % {"value": language[:20], "languages": ", ".join(languages)},
            )
            return response
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response


def changelist(model_name: str, query: str = "") -> str:
    url = reverse(f"admin:cooperation_{model_name}_changelist")
    return f"{url}?{query}" if query else url


#: The record types on the dashboard's latest changes, with the links each
#: one's description (``__str__``) reads.
RECENT_CHANGES = {
    "institution": (),
    "agreement": (),
    "exchange": (),
    "interest": ("exchange",),
}


def as_recorded(entry, related: tuple[str, ...] = ()):
    """The record as a history entry saw it, with the ``related`` records
    selected with the entry. simple-history's ``history_object`` builds it
    from the entry alone (``entry.instance`` would query the live record for
    the fields history does not keep, such as an interest's personal data),
    and each linked record would otherwise take a query. A linked record
    since deleted (an exchange) reads as missing, as on the record itself."""
    record = entry.history_object
    for name in related:
        field = entry.instance_type._meta.get_field(name)
        field.set_cached_value(record, getattr(entry, name))
    return record


def recent_changes(user, limit: int) -> list[dict]:
    """The records of every type the user may see that changed last, newest
    first, each once with its latest change, who made the changes and what
    they were: one save that wrote several history entries, or a morning's
    edits of one record, make one row (one query per record type)."""
    records = {}
    for name, related in RECENT_CHANGES.items():
        model = apps.get_model("cooperation", name)
        history = model.history.all()
        if permissions.is_scoped(user):
            visible = permissions.scope_for(user, model._default_manager.all())
            history = history.filter(id__in=visible.values("pk"))
        # Enough entries for ``limit`` records even when a few records took
        # several entries each; newest first on the history date's index.
        latest = history.select_related("history_user", *related).order_by(
            "-history_date"
        )
        for entry in latest[: limit * 4]:
            record = records.get((name, entry.id))
            if record is None:
                record = records[(name, entry.id)] = {
                    "when": entry.history_date,
                    "who": entry.history_user,
                    "what": str(as_recorded(entry, related)),
                    "kind": model._meta.verbose_name,
                    "url": "",
                    "actions": {},
                    "users": {},
                    "count": 0,
                }
                if entry.history_type != "-":
                    try:
                        record["url"] = reverse(
                            f"admin:cooperation_{name}_change", args=[entry.id]
                        )
                    except NoReverseMatch:
                        pass
            record["count"] += 1
            action = entry.get_history_type_display()
            record["actions"][action] = record["actions"].get(action, 0) + 1
            if entry.history_user is not None:
                record["users"][entry.history_user.pk] = entry.history_user
    newest = heapq.nlargest(limit, records.values(), key=lambda r: r["when"])
    for record in newest:
        # Oldest first reads as what happened: "Created, Changed ×2".
        record["actions"] = [
            action if times == 1 else f"{action} ×{times}"
            for action, times in reversed(record["actions"].items())
        ]
        record["users"] = list(record["users"].values())
    return newest


def places_this_year(agreements, today) -> list:
    """The quotas of ``agreements`` in the academic year of ``today``: places
    agreed, used and left (Agreement.places_usage), the fullest first, each
    with its agreement (two queries)."""
    year = academic_year(today)
    covered = apps.get_model("cooperation", "AgreementExchangeKind").objects
    with_quota = agreements.filter(
        pk__in=covered.filter(places_per_year__isnull=False).values("agreement_id")
    )
    rows = [
        dataclasses.replace(row, agreement=agreement)
        for agreement in with_quota.for_places(years=[year])
        for row in agreement.places_usage(years=[year])
        if row.agreed is not None
    ]
    rows.sort(key=lambda row: (row.left, str(row.agreement), row.kind))
    return rows


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
        return permissions.scope_for(user, queryset)

    agreements = visible(Agreement.objects.all())
    exchanges = visible(Exchange.objects.all())
    expiring = agreements.expiring_soon(on=today).order_by("expires_on")
    starting = (
        exchanges.starting_soon(on=today).select_related("host").order_by("starts_on")
    )
    new_interests = visible(Interest.objects.filter(status="new")).select_related(
        "exchange"
    )
    # Registrations whose e-mail to the organisers failed: the daily
    # send_interest_notifications tries again; until then staff should know.
    unnotified = visible(
        Interest.objects.filter(notification_failed=True)
    ).select_related("exchange")
    places = places_this_year(agreements.active_on(today), today)
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
                    changelist("exchange", "state=upcoming"),
                ),
                (
                    _("new interest registrations"),
                    new_interests.count(),
                    changelist("interest", "status__exact=new"),
                ),
            ],
            "expiring": expiring[:DASHBOARD_ROWS],
            "expiring_count": expiring.count(),
            "expiring_url": changelist(
                "agreement", f"expiring={Agreement.EXPIRES_SOON_DAYS}"
            ),
            "starting": starting[:DASHBOARD_ROWS],
            "starting_count": starting.count(),
            "starting_url": changelist(
                "exchange", f"starting={Exchange.STARTS_SOON_DAYS}"
            ),
            "interests": new_interests[:DASHBOARD_ROWS],
            "interests_url": changelist("interest", "status__exact=new"),
            "unnotified": unnotified[:DASHBOARD_ROWS],
            "unnotified_count": unnotified.count(),
            "unnotified_url": changelist("interest", "notification_failed__exact=1"),
            "changes": recent_changes(user, DASHBOARD_ROWS * 2),
            "places": places[:DASHBOARD_ROWS],
            "places_count": len(places),
            "places_over": sum(1 for row in places if row.over),
            "places_year": academic_year_label(academic_year(today)),
        },
    }
