"""The staff side: one ModelAdmin per record type."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Agreement,
    AgreementDocument,
    AgreementExchangeKind,
    AgreementParty,
    Exchange,
    FieldOfEducation,
    Institution,
    Interest,
    User,
)
from .paginators import EstimatedCountPaginator

EXPIRY_WARNING_DAYS = 90


def translated_search_fields(*names: str) -> tuple[str, ...]:
    """``name`` -> ``name_en``, ``name_zh_hans``, ``name_nl``, ``name_fr``."""
    return tuple(
        f"{name}_{language}"
        for name in names
        for language in ("en", "zh_hans", "nl", "fr")
    )


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, but reverting to an old version (a POST on the
    history form) needs the change permission, not just the view permission."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


class RecordAdmin(HistoryAdmin, TranslationAdmin):
    """Shared by the public record types: history, translations, publishing."""

    actions = ["publish", "unpublish"]
    # Fast on a million rows: no exact COUNT of a whole large table.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    readonly_fields = ("is_sample", "created", "updated")
    save_on_top = True
    # A web address typed without a scheme means https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.action(description=_("Publish the selected records"))
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Unpublish the selected records"))
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published: bool) -> None:
        # Saved one by one so that each change enters the history.
        changed = 0
        for record in queryset.filter(published=not published):
            record.published = published
            record.save(update_fields=["published", "updated"])
            changed += 1
        message = (
            ngettext("%d record published.", "%d records published.", changed)
            if published
            else ngettext("%d record unpublished.", "%d records unpublished.", changed)
        )
        self.message_user(request, message % changed, messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions


class StateFilter(admin.SimpleListFilter):
    """Filter on the state derived from dates (``with_state`` annotation)."""

    title = _("state")
    parameter_name = "state"
    states: type = None

    def lookups(self, request, model_admin):
        return self.states.choices

    def queryset(self, request, queryset):
        if self.value() in self.states.values:
            return queryset.in_state(self.value())
        return queryset


class AgreementStateFilter(StateFilter):
    states = Agreement.State


class ExchangeStateFilter(StateFilter):
    states = Exchange.State


class ExpiringFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        return [("90", _("expires within 90 days"))]

    def queryset(self, request, queryset):
        if self.value() == "90":
            return queryset.expiring_within(EXPIRY_WARNING_DAYS)
        return queryset


class StartingSoonFilter(admin.SimpleListFilter):
    title = _("start")
    parameter_name = "starting"

    def lookups(self, request, model_admin):
        return [("30", _("starts within 30 days"))]

    def queryset(self, request, queryset):
        if self.value() == "30":
            return queryset.starting_within(30)
        return queryset


class BroadFieldFilter(admin.SimpleListFilter):
    """Filter by a broad field, finding everything under it."""

    title = _("field of education")
    parameter_name = "field"

    def lookups(self, request, model_admin):
        return [
            (field.code, str(field))
            for field in FieldOfEducation.objects.filter(level="broad")
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(fields__code__startswith=self.value()).distinct()
        return queryset


# Institutions ---------------------------------------------------------------


@admin.register(Institution)
class InstitutionAdmin(RecordAdmin):
    list_display = (
        "name",
        "acronym",
        "kind",
        "country",
        "city",
        "erasmus_code",
        "published",
        "is_sample",
        "updated",
    )
    list_filter = ("kind", "level", "country", "published", "is_sample")
    search_fields = (
        *translated_search_fields("name"),
        "official_name",
        "acronym",
        "aliases",
        "erasmus_code",
        "schac_code",
        "pic",
        "other_identifier",
    )
    ordering = ("name",)
    date_hierarchy = "created"
    autocomplete_fields = ("parent", "successor")
    fieldsets = (
        (None, {"fields": ("name", "official_name", "acronym", "aliases")}),
        (_("Kind"), {"fields": ("kind", "level", "parent", "year_founded")}),
        (
            _("Location"),
            {
                "fields": (
                    "country",
                    "region",
                    "city",
                    "address",
                    "latitude",
                    "longitude",
                )
            },
        ),
        (_("Contact"), {"fields": ("website", "email")}),
        (
            _("Identifiers"),
            {"fields": ("erasmus_code", "schac_code", "pic", "other_identifier")},
        ),
        (_("Presentation"), {"fields": ("description", "logo")}),
        (
            _("Publication and history"),
            {
                "fields": (
                    "slug",
                    "published",
                    "successor",
                    *RecordAdmin.readonly_fields,
                )
            },
        ),
    )


# Agreements -----------------------------------------------------------------


class AgreementPartyFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        signed = self.instance.status in (
            Agreement.Status.SIGNED,
            Agreement.Status.TERMINATED,
        )
        if signed and len(kept) < 2:
            raise ValidationError(
                _("A signed agreement needs at least two parties."), code="parties"
            )


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    formset = AgreementPartyFormSet
    autocomplete_fields = ("institution",)
    fields = ("institution", "role", "signatory_name", "signatory_title", "position")
    extra = 0
    min_num = 0


class AgreementDocumentInline(admin.TabularInline):
    model = AgreementDocument
    fields = ("title", "kind", "language", "file", "public")
    extra = 0


class AgreementExchangeKindInline(admin.TabularInline):
    model = AgreementExchangeKind
    fields = ("kind", "places_per_year")
    extra = 0


class ExpiryDisplay:
    """A colour-coded expiry date column: expired, soon, later."""

    @admin.display(description=_("expires on"), ordering="expires_on")
    def expiry(self, agreement):
        if agreement.expires_on is None:
            return format_html('<span class="expiry">{}</span>', _("open-ended"))
        if agreement.status != Agreement.Status.SIGNED:
            # Drafts and terminated agreements have no validity to warn about.
            return agreement.expires_on.isoformat()
        today = timezone.localdate()
        if agreement.expires_on < today:
            level, label = "expired", _("expired")
        elif agreement.expires_on <= today + datetime.timedelta(
            days=EXPIRY_WARNING_DAYS
        ):
            level, label = "soon", _("expires soon")
        else:
            level, label = "later", _("valid")
        return format_html(
            '<span class="expiry expiry-{}" title="{}">{}</span>',
            level,
            label,
            agreement.expires_on.isoformat(),
        )


@admin.register(Agreement)
class AgreementAdmin(ExpiryDisplay, RecordAdmin):
    list_display = (
        "title",
        "kind",
        "status",
        "state_display",
        "signed_on",
        "expiry",
        "responsible",
        "published",
        "is_sample",
    )
    list_filter = (
        AgreementStateFilter,
        ExpiringFilter,
        "kind",
        "status",
        "signing_mode",
        BroadFieldFilter,
        "published",
        "is_sample",
    )
    search_fields = (
        *translated_search_fields("title"),
        "reference",
        *(f"parties__institution__{f}" for f in translated_search_fields("name")),
        "parties__institution__official_name",
        "parties__institution__acronym",
    )
    search_help_text = _(
        "Searches titles in every language, reference numbers and the names of "
        "the parties."
    )
    ordering = ("-signed_on", "title")
    date_hierarchy = "signed_on"
    list_select_related = ("responsible",)
    autocomplete_fields = ("predecessor", "fields")
    inlines = (
        AgreementPartyInline,
        AgreementExchangeKindInline,
        AgreementDocumentInline,
    )
    fieldsets = (
        (None, {"fields": ("kind", "title", "reference", "summary")}),
        (_("Staff only"), {"fields": ("internal_notes", "responsible")}),
        (
            _("Signature and validity"),
            {
                "fields": (
                    "status",
                    ("signed_on", "signed_at", "signing_mode"),
                    ("valid_from", "expires_on"),
                    ("renews_automatically", "notice_period_days"),
                )
            },
        ),
        (_("Scope"), {"fields": ("fields",)}),
        (_("Lineage"), {"fields": ("predecessor", "lineage", "lineage_overview")}),
        (
            _("Publication and history"),
            {"fields": ("slug", "published", *RecordAdmin.readonly_fields)},
        ),
    )
    readonly_fields = (*RecordAdmin.readonly_fields, "lineage_overview")
    actions = [*RecordAdmin.actions, "renew"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_state()

    @admin.display(description=_("chain of agreements"))
    def lineage_overview(self, agreement):
        """Earlier agreements, this one, and those that follow it."""
        if not agreement.pk:
            return "–"
        items = [
            format_html(
                '<li><a href="{}">{}</a> ({})</li>',
                reverse("admin:cooperation_agreement_change", args=[earlier.pk]),
                earlier,
                earlier.signed_on or _("not signed"),
            )
            for earlier in agreement.lineage_chain
        ]
        items.append(format_html("<li><strong>{}</strong></li>", agreement))
        items += [
            format_html(
                '<li><a href="{}">{}</a> – {}</li>',
                reverse("admin:cooperation_agreement_change", args=[later.pk]),
                later,
                later.get_lineage_display(),
            )
            for later in agreement.successors.order_by("created")
        ]
        return format_html(
            "<ol>{}</ol>", format_html_join("", "{}", ((i,) for i in items))
        )

    @admin.action(
        description=_("Renew: make a draft successor of each selected agreement"),
        permissions=["add"],
    )
    def renew(self, request, queryset):
        successors = [
            services.agreement_renew(agreement=agreement) for agreement in queryset
        ]
        if len(successors) == 1:
            self.message_user(
                request,
                _("The draft renewal was made; complete its dates and sign it."),
                messages.SUCCESS,
            )
            return redirect("admin:cooperation_agreement_change", successors[0].pk)
        self.message_user(
            request,
            ngettext(
                "%d draft renewal made.", "%d draft renewals made.", len(successors)
            )
            % len(successors),
            messages.SUCCESS,
        )
        return None

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, agreement):
        return Agreement.State(agreement.state).label

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "responsible":
            # Staff only; a former staff member stays selectable where set.
            kwargs["queryset"] = User.objects.filter(
                Q(is_staff=True) | Q(responsible_agreements__isnull=False)
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# Exchanges ------------------------------------------------------------------


class ExchangeForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        host, partners = cleaned_data.get("host"), cleaned_data.get("partners")
        if host and partners and host in partners:
            self.add_error(
                "partners",
                _("The host institution cannot also be a partner of its exchange."),
            )
        return cleaned_data


@admin.register(Exchange)
class ExchangeAdmin(RecordAdmin):
    form = ExchangeForm
    list_display = (
        "title",
        "kind",
        "host",
        "starts_on",
        "ends_on",
        "state_display",
        "mode",
        "published",
        "is_sample",
    )
    list_filter = (
        ExchangeStateFilter,
        StartingSoonFilter,
        "kind",
        "mode",
        BroadFieldFilter,
        "cancelled",
        "published",
        "is_sample",
    )
    search_fields = (
        *translated_search_fields("title"),
        *(f"host__{f}" for f in translated_search_fields("name")),
        "host__official_name",
        "host__acronym",
        "agreement__reference",
    )
    search_help_text = _(
        "Searches titles in every language, the host's names and agreement "
        "reference numbers."
    )
    ordering = ("-starts_on", "title")
    date_hierarchy = "starts_on"
    list_select_related = ("host",)
    autocomplete_fields = ("host", "partners", "agreement", "fields")
    fieldsets = (
        (None, {"fields": ("kind", "title", "summary", "description")}),
        (
            _("Institutions"),
            {"fields": ("agreement", "host", "partners", "fields")},
        ),
        (
            _("When and where"),
            {
                "fields": (
                    ("starts_on", "ends_on", "application_deadline"),
                    "mode",
                    ("city", "country"),
                    "cancelled",
                )
            },
        ),
        (
            _("Taking part"),
            {
                "fields": (
                    "eligibility",
                    "how_to_apply",
                    "contact_email",
                    "external_url",
                    "places",
                )
            },
        ),
        (_("Results"), {"fields": ("participants", "outcomes")}),
        (
            _("Publication and history"),
            {"fields": ("slug", "published", *RecordAdmin.readonly_fields)},
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_state()

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, exchange):
        return Exchange.State(exchange.state).label


# Fields of education -------------------------------------------------------


@admin.register(FieldOfEducation)
class FieldOfEducationAdmin(HistoryAdmin, TranslationAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", *translated_search_fields("name"))
    ordering = ("code",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("created", "updated")
    fields = ("code", "level", "parent", "name", "slug", "created", "updated")


# Interest registrations ----------------------------------------------------


@admin.register(Interest)
class InterestAdmin(HistoryAdmin):
    list_display = ("created", "name", "email", "organisation", "exchange", "status")
    list_editable = ("status",)
    list_filter = ("status", ("created", admin.DateFieldListFilter), "exchange__kind")
    search_fields = ("name", "email", "organisation", "exchange__title_en")
    ordering = ("-created",)
    date_hierarchy = "created"
    list_select_related = ("exchange",)
    autocomplete_fields = ("exchange",)
    readonly_fields = ("created", "updated")
    actions = ["mark_answered", "mark_spam"]
    fields = (
        "exchange",
        "name",
        "email",
        "organisation",
        "message",
        "consent",
        "status",
        "created",
        "updated",
    )

    @admin.action(description=_("Mark as answered"), permissions=["change"])
    def mark_answered(self, request, queryset):
        self._mark(request, queryset, Interest.Status.ANSWERED)

    @admin.action(description=_("Mark as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._mark(request, queryset, Interest.Status.SPAM)

    def _mark(self, request, queryset, status: str) -> None:
        # One by one, so that each change enters the history with its user.
        changed = 0
        for interest in queryset.exclude(status=status):
            interest.status = status
            interest.save(update_fields=["status", "updated"])
            changed += 1
        self.message_user(
            request,
            ngettext("%d registration marked.", "%d registrations marked.", changed)
            % changed,
            messages.SUCCESS,
        )


# Users ---------------------------------------------------------------------


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    pass
