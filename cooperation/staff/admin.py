"""The staff side: one ModelAdmin per record type."""

import copy
import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import (
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.db.models import Q
from django.forms.models import construct_instance
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .. import languages, permissions, services
from .. import search as full_text
from ..models import (
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
from ..models.agreement import academic_year
from ..models.institution import IDENTIFIER_FIELDS, NAME_COLUMNS
from ..paginators import EstimatedCountPaginator
from ..public import embed
from ..transfer import (
    AgreementResource,
    ExchangeResource,
    InstitutionResource,
    InterestResource,
    RecordExportMixin,
    RecordImportExportMixin,
)
from .sites import as_recorded


class FullTextSearch:
    """The admin's search box and its pickers' type-ahead on the public
    site's full-text search and GIN index: the list finds a term's words as
    the catalog does, a picker their beginnings as they are typed ("conserv",
    "上海"). ILIKE over the translated and joined columns read every row of a
    large registry."""

    def search_condition(self, term: str, *, typing: bool = False) -> Q | None:
        """What a row must meet for ``term`` (``typing``: in a picker); None
        when nothing can."""
        build = full_text.prefix_query if typing else full_text.build_query
        query = build(term)
        return None if query is None else self.matching(query)

    def matching(self, query) -> Q:
        """The rows whose search document matches ``query`` (a subclass adds
        the rows found through related records)."""
        return Q(full_text.matches(query))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        match = request.resolver_match
        typing = bool(match) and match.url_name == "autocomplete"
        condition = self.search_condition(term, typing=typing)
        if condition is None:
            return queryset.none(), False
        return queryset.filter(condition), False


def shortened(text, length: int) -> str:
    """A long text cut short in a list, whole on hover (its title)."""
    text = "" if text is None else str(text)
    if len(text) <= length:
        return text
    return format_html(
        '<span title="{}">{}</span>', text, Truncator(text).chars(length)
    )


def short_date(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "–"


class ListColumns:
    """Changelist columns that fit a 1280 px screen (tests/browser/
    test_admin_layout.py): long texts cut short, whole on hover; dates and
    times short. Django keeps links and dates on one line (``nowrap``)."""

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, record):
        return shortened(record.title, 60)

    @admin.display(description=_("name"), ordering="name")
    def short_name(self, record):
        return shortened(record.name, 50)

    @admin.display(description=_("host institution"), ordering="host")
    def short_host(self, record):
        return shortened(record.host, 32)

    @admin.display(description=_("exchange"), ordering="exchange")
    def short_exchange(self, record):
        return shortened(record.exchange.title, 32)

    @admin.display(description=_("parent field"), ordering="parent")
    def short_parent(self, record):
        return shortened(record.parent, 32) if record.parent else "–"

    @admin.display(description=_("starts on"), ordering="starts_on")
    def starts(self, record):
        return short_date(record.starts_on)

    @admin.display(description=_("ends on"), ordering="ends_on")
    def ends(self, record):
        return short_date(record.ends_on)

    @admin.display(description=_("signed on"), ordering="signed_on")
    def signed(self, record):
        return short_date(record.signed_on)

    @admin.display(description=_("updated"), ordering="updated")
    def updated_on(self, record):
        return date_format(timezone.localtime(record.updated), "SHORT_DATE_FORMAT")

    @admin.display(description=_("received"), ordering="created")
    def received(self, record):
        return date_format(timezone.localtime(record.created), "SHORT_DATETIME_FORMAT")


class HistoryAdmin(ListColumns, SimpleHistoryAdmin):
    """simple-history's admin, but reverting to an old version (a POST on the
    history form) needs the change permission, not just the view permission;
    a save writes one history entry saying what changed, and a save that
    changes nothing writes none (nor Django's "No fields changed." log)."""

    object_history_list_template = "admin/cooperation/object_history_list.html"

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        """Django's checkbox of each changelist row, written directly: the
        widget's template, rendered once a row, cost a third of the page."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), obj),
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        # A revert saves through save_model but not save_related: its entry
        # is written by simple-history's own signal (see save_model).
        request._history_revert = True
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

    # One history entry a save, with what changed as its reason; none for a
    # save that changes nothing. simple-history would write one entry on the
    # save and one more for each many-to-many field set afterwards (an
    # exchange's partners and fields), so the entry is written once the
    # form's links and inlines are saved (save_related).

    def save_model(self, request, obj, form, change):
        if getattr(request, "_history_revert", False):
            # The form holds the old version: unchanged, it is the revert.
            super().save_model(request, obj, form, change)
            return
        if change and not form.has_changed():
            return  # nothing to write, nothing to record
        obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            del obj.skip_history_when_saving
        obj._history_pending = True

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        pending = obj.__dict__.pop("_history_pending", False)
        if pending:
            obj.skip_history_when_saving = True
        try:
            super().save_related(request, form, formsets, change)
        finally:
            if pending:
                del obj.skip_history_when_saving
        if pending:
            message = self.construct_change_message(request, form, formsets, not change)
            services.history_record_bulk(
                type(obj),
                [obj],
                user=request.user,
                reason=services.change_reason(message),
                date=timezone.now(),
                update=change,
            )

    def log_change(self, request, obj, message):
        # Django's "No fields changed." entry for a save that changed nothing.
        if not message:
            return None
        return super().log_change(request, obj, message)


def linked_pks(instance, name: str) -> list:
    """Primary keys of the records ``instance`` links to through field
    ``name`` (a query for a many-to-many field)."""
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    if field.many_to_many:
        if instance.pk is None:
            return []
        records = type(instance)._base_manager.filter(pk=instance.pk)
        return list(records.values_list(name, flat=True))
    return [getattr(instance, field.attname)] if field.many_to_one else []


def scoped_form(form_class, user, *, judge: bool):
    """``form_class`` whose links offer only what ``user`` may pick and, when
    ``judge``, that refuses a save leaving the user's scope (see permissions.py)."""

    class ScopedForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name, field in self.fields.items():
                queryset = getattr(field, "queryset", None)
                if (
                    queryset is not None
                    and queryset.model in permissions.NARROWED_MODELS
                ):
                    field.queryset = permissions.choices_for(
                        user, queryset, current=linked_pks(self.instance, name)
                    )

        def clean(self):
            cleaned_data = super().clean()
            if judge and not self.errors:
                # The record as it would be saved, without touching the
                # instance (the form saves it later only if valid).
                record = construct_instance(self, copy.copy(self.instance))
                partners = cleaned_data.get("partners")
                if not permissions.would_involve(user, record, institutions=partners):
                    raise ValidationError(permissions.refusal(user, self._meta.model))
            return cleaned_data

    ScopedForm.__name__ = ScopedForm.__qualname__ = form_class.__name__
    return ScopedForm


def scoped_formset(formset_class, user, *, parties: bool):
    """An inline ``formset_class`` narrowed like ``scoped_form``; the
    ``parties`` of an agreement must keep one of the user's institutions."""

    class ScopedFormSet(formset_class):
        form = scoped_form(formset_class.form, user, judge=False)

        def clean(self):
            super().clean()
            if not parties or any(self.errors):
                return
            institutions = [
                form.cleaned_data["institution"]
                for form in self.forms
                if form.cleaned_data.get("institution")
                and not form.cleaned_data.get("DELETE")
            ]
            if not permissions.would_involve(
                user, self.instance, institutions=institutions
            ):
                raise ValidationError(permissions.refusal(user, Agreement))

    ScopedFormSet.__name__ = ScopedFormSet.__qualname__ = formset_class.__name__
    return ScopedFormSet


def institution_choice_label(institution) -> str:
    """An institution as pickers offer it, "Name — City, Country": two
    institutions of one name (two "Shenzhen Polytechnic University") told
    apart without a query."""
    place = ", ".join(
        str(part) for part in (institution.city, institution.country.name) if part
    )
    return f"{institution} — {place}" if place else str(institution)


class ChoiceLabels:
    """Links to records whose admin has a ``choice_label`` (institutions,
    agreements) offered with it, in selects and in the autocomplete's chosen
    options, loaded with what it reads (the admin's ``choice_queryset``)."""

    def _labelling_admin(self, db_field):
        model_admin = self.admin_site._registry.get(db_field.related_model)
        return model_admin if hasattr(model_admin, "choice_label") else None

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        model_admin = self._labelling_admin(db_field)
        if model_admin is None:
            return queryset
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(
                db
            ).complex_filter(db_field.remote_field.limit_choices_to)
        return model_admin.choice_queryset(queryset)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        model_admin = self._labelling_admin(db_field) if db_field.is_relation else None
        if model_admin is not None and hasattr(field, "label_from_instance"):
            field.label_from_instance = model_admin.choice_label
        return field


class ScopedAdminMixin:
    """Narrows a staff member tied to institutions to the records that
    involve them, by URL too (rules in cooperation/permissions.py). Comes before
    the history admin in the bases so that history pages are narrowed."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match and match.url_name == "autocomplete":
            # Searched by a link's autocomplete (a partner, a host, ...).
            return permissions.choices_for(request.user, queryset)
        return permissions.scope_for(request.user, queryset)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and permissions.is_scoped(request.user):
            # Not Django's "perhaps it was deleted" redirect: say nothing.
            raise Http404
        return obj

    def _involves(self, request, obj) -> bool:
        if obj is None:
            return True
        # Asked many times per page; the answer holds for the request.
        checked = request.__dict__.setdefault("_scope_checked", {})
        key = (obj._meta.label, obj.pk)
        if key not in checked:
            checked[key] = permissions.involves(request.user, obj)
        return checked[key]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._involves(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._involves(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._involves(
            request, obj
        )

    def _require_in_scope(self, request, object_id) -> None:
        if permissions.is_scoped(request.user):
            self.get_object(request, unquote(object_id))  # a 404 outside

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not permissions.is_scoped(request.user):
            return form
        # An agreement's parties are in an inline, whose formset judges them.
        return scoped_form(form, request.user, judge=self.model is not Agreement)

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if permissions.is_scoped(request.user):
                formset = scoped_formset(
                    formset, request.user, parties=inline.model is AgreementParty
                )
            yield formset, inline


class OtherLanguagesFieldsets:
    """The record texts' English boxes where the form has them, and the
    other languages' boxes below, in one collapsed section a language (the
    exchange form had 24 boxes in a row). A section with an error opens
    (Django's fieldset)."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        language_of = {
            field.name: field.language
            for fields in self.trans_opts.all_fields.values()
            for field in fields
            if field.language != default
        }
        others = {code: [] for code, _name in settings.LANGUAGES if code != default}
        kept = []
        for name, options in fieldsets:
            fields = []
            for item in options.get("fields", ()):
                if isinstance(item, str) and item in language_of:
                    others[language_of[item]].append(item)
                else:
                    fields.append(item)
            if fields:
                kept.append((name, {**options, "fields": tuple(fields)}))
        languages = dict(settings.LANGUAGES)
        return kept + [
            (languages[code], {"fields": tuple(names), "classes": ("collapse",)})
            for code, names in others.items()
            if names
        ]


class RecordAdmin(
    OtherLanguagesFieldsets,
    ChoiceLabels,
    ScopedAdminMixin,
    HistoryAdmin,
    TranslationAdmin,
):
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
        # In bulk, one history entry a changed record (seconds for thousands).
        changed = services.records_publish(
            records=queryset, published=published, user=request.user
        )
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
    # Where the dashboard's "upcoming exchanges" figure links, as the
    # catalog's state=upcoming (filters.ExchangeFilter): one definition.
    UPCOMING = "upcoming"

    def lookups(self, request, model_admin):
        return [
            *super().lookups(request, model_admin),
            (self.UPCOMING, _("upcoming (planned or open for applications)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.UPCOMING:
            return queryset.upcoming()
        return super().queryset(request, queryset)


class ExpiringFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        days = Agreement.EXPIRES_SOON_DAYS
        label = ngettext(
            "expires within %(days)d day", "expires within %(days)d days", days
        )
        return [(str(days), label % {"days": days})]

    def queryset(self, request, queryset):
        if self.value() == str(Agreement.EXPIRES_SOON_DAYS):
            return queryset.expiring_soon()
        return queryset


class StartingSoonFilter(admin.SimpleListFilter):
    title = _("start")
    parameter_name = "starting"

    def lookups(self, request, model_admin):
        days = Exchange.STARTS_SOON_DAYS
        label = ngettext(
            "starts within %(days)d day", "starts within %(days)d days", days
        )
        return [(str(days), label % {"days": days})]

    def queryset(self, request, queryset):
        if self.value() == str(Exchange.STARTS_SOON_DAYS):
            return queryset.starting_soon()
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


class InstitutionForm(forms.ModelForm):
    """Warns of likely duplicates (the same identifier, or a very similar name
    in the same country) of an institution being added, or renamed, moved or
    re-identified, and saves it only once staff tick "Save anyway"."""

    NAMES = NAME_COLUMNS
    IDENTIFIERS = IDENTIFIER_FIELDS

    save_anyway = forms.BooleanField(
        label=_("Save anyway"),
        required=False,
        # A check box only once likely duplicates have been found.
        widget=forms.HiddenInput,
    )

    def clean(self):
        cleaned_data = super().clean()
        watched = {*self.NAMES, *self.IDENTIFIERS, "country", "website"}
        if cleaned_data.get("save_anyway") or (
            self.instance.pk and not watched & set(self.changed_data)
        ):
            return cleaned_data
        duplicates = Institution.objects.likely_duplicates(
            name=[cleaned_data.get(name) or "" for name in self.NAMES],
            country=cleaned_data.get("country") or "",
            region=cleaned_data.get("region") or "",
            city=cleaned_data.get("city") or "",
            website=cleaned_data.get("website") or "",
            identifiers={name: cleaned_data.get(name) for name in self.IDENTIFIERS},
            exclude_pk=self.instance.pk,
        )[:10]
        if duplicates:
            field = self.fields["save_anyway"]
            field.widget = forms.CheckboxInput()
            # On the bound field too: made during validation, it copied the
            # help text then.
            field.help_text = self["save_anyway"].help_text = self.listed(duplicates)
            self.add_error(
                "save_anyway",
                ValidationError(
                    _(
                        "This looks like an institution already in the registry: "
                        "see the likely duplicates below. If it is a different "
                        "institution, tick “Save anyway” and save again."
                    ),
                    code="likely_duplicate",
                ),
            )
        return cleaned_data

    def listed(self, institutions) -> str:
        """Links to the institutions' change pages (in a new tab, so that the
        form stays as filled in), with their cities, countries and codes."""

        def details(institution):
            parts = (
                institution.city,
                institution.country.name,
                *(getattr(institution, name) for name in self.IDENTIFIERS),
            )
            return ", ".join(str(part) for part in parts if part)

        return format_html(
            '<ul class="likely-duplicates">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}" target="_blank">{}</a> ({})</li>',
                (
                    (
                        reverse("admin:cooperation_institution_change", args=[i.pk]),
                        i.name_en or i.name,
                        details(i),
                    )
                    for i in institutions
                ),
            ),
        )


def institution_described(institution) -> str:
    """An institution as the merge page offers it: name, number, place and
    identifiers, so that two records of one name can be told apart."""
    details = [
        institution.city,
        institution.country.name,
        *(getattr(institution, name) for name in InstitutionForm.IDENTIFIERS),
    ]
    return (
        f"{institution} (#{institution.pk}: "
        + ", ".join(str(detail) for detail in details if detail)
        + ")"
    )


class InstitutionMergeForm(forms.Form):
    """The merge action's choice of the institution to keep: one of the
    selected ones or another, found by name (the autocomplete of the
    institution admin, narrowed to what the user may edit)."""

    target = forms.ModelChoiceField(
        label=_("Keep one of the selected institutions"),
        queryset=Institution.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        required=False,
    )
    other = forms.ModelChoiceField(
        label=_("or keep another institution"),
        help_text=_("Type part of its name, then choose it."),
        queryset=Institution.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _(
                "This institution cannot be chosen: it no longer exists or you "
                "may not edit it. Choose another."
            )
        },
    )

    def __init__(self, *args, selected, choices, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        if len(selected) > 1:
            target = self.fields["target"]
            target.queryset = Institution.objects.filter(
                pk__in=[institution.pk for institution in selected]
            ).order_by("pk")
            target.label_from_instance = institution_described
        else:  # the one selected is merged into another
            del self.fields["target"]
            self.fields["other"].label = _("Keep this institution")
        # The widget first: setting the queryset gives it its choices.
        self.fields["other"].widget = AutocompleteSelect(
            Institution._meta.get_field("successor"), admin_site
        )
        self.fields["other"].queryset = choices
        self.fields["other"].label_from_instance = institution_choice_label

    def clean(self):
        cleaned_data = super().clean()
        target, other = cleaned_data.get("target"), cleaned_data.get("other")
        if target and other:
            raise ValidationError(
                _(
                    "Choose one institution to keep: either one of the selected "
                    "ones or another one, not both."
                )
            )
        if not self.errors and not (target or other):
            raise ValidationError(
                _(
                    "Choose the institution to keep: one of the selected ones, "
                    "or another one found by its name."
                )
            )
        cleaned_data["kept"] = target or other
        return cleaned_data


@admin.register(Institution)
class InstitutionAdmin(FullTextSearch, RecordImportExportMixin, RecordAdmin):
    form = InstitutionForm
    resource_classes = [InstitutionResource]
    list_display = (
        "short_name",
        "acronym",
        "kind",
        "country",
        "city",
        "erasmus_code",
        "published",
        "is_sample",
        "updated_on",
    )
    list_filter = ("kind", "level", "country", "published", "is_sample")
    # Searched through the full-text index (FullTextSearch): names in every
    # language, official name, acronym, identifiers, aliases, description.
    search_fields = ("name",)
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
    actions = [*RecordAdmin.actions, "merge"]
    #: The most institutions the merge action takes at once.
    merge_limit = 50
    #: What the merge page and report call each link that a merge moves.
    merged_links = {
        "parties": _("agreements (as a party)"),
        "hosted": _("exchanges hosted"),
        "partnered": _("exchanges as a partner"),
        "units": _("units"),
        "predecessors": _("predecessors"),
        "editors": _("staff members tied to it"),
    }

    def choice_label(self, institution) -> str:
        return institution_choice_label(institution)

    def choice_queryset(self, queryset):
        return queryset

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        can_save = (
            self.has_change_permission(request, obj)
            if obj
            else self.has_add_permission(request)
        )
        if not can_save:
            return fieldsets
        # The duplicate warning and its confirmation lead the form.
        (name, options), *others = fieldsets
        return [
            (name, {**options, "fields": ("save_anyway", *options["fields"])})
        ] + others

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The change page also shows the snippet that embeds the
        institution's public exchanges on another site (embed.py)."""
        institution = self.get_object(request, unquote(object_id))
        if institution is not None:
            extra_context = {
                **(extra_context or {}),
                "embed_snippet": embed.snippet(request, institution),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_merge_permission(self, request, obj=None) -> bool:
        """Merging changes the record kept and deletes the others: it takes
        both permissions (an action's ``permissions`` asks for either)."""
        may_change = self.has_change_permission(request, obj)
        return may_change and self.has_delete_permission(request, obj)

    @admin.action(
        description=_("Merge into another institution…"), permissions=["merge"]
    )
    def merge(self, request, queryset):
        """Merge the selected institutions (duplicates) into one, chosen on a
        confirmation page that lists what each would bring
        (services.merge_institutions)."""
        selected = list(queryset.lean().order_by("pk")[: self.merge_limit + 1])
        if len(selected) > self.merge_limit:
            self.message_user(
                request,
                gettext("Select at most %(limit)d institutions to merge at once.")
                % {"limit": self.merge_limit},
                messages.ERROR,
            )
            return None
        form = InstitutionMergeForm(
            request.POST if "post" in request.POST else None,
            selected=selected,
            choices=self.get_queryset(request),
            admin_site=self.admin_site,
        )
        if form.is_valid():
            target = form.cleaned_data["kept"]
            duplicates = [i for i in selected if i.pk != target.pk]
            if not self.has_change_permission(request, target) or not all(
                self.has_delete_permission(request, i) for i in duplicates
            ):
                raise PermissionDenied
            try:
                result = services.merge_institutions(
                    target, duplicates, user=request.user
                )
            except services.MergeRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                self.message_user(request, self.merge_report(result), messages.SUCCESS)
                return redirect("admin:cooperation_institution_change", target.pk)
        contents = services.merge_contents(selected)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge institutions"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "selected": [
                {
                    "institution": institution,
                    "identifiers": [
                        (Institution._meta.get_field(name).verbose_name, value)
                        for name in InstitutionForm.IDENTIFIERS
                        if (value := getattr(institution, name))
                    ],
                    "names": dict.fromkeys(services.institution_names(institution)),
                    "counts": [contents[institution.pk][k] for k in self.merged_links],
                }
                for institution in selected
            ],
            "link_labels": list(self.merged_links.values()),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/cooperation/institution/merge_confirmation.html", context
        )

    def merge_report(self, result: services.MergeResult) -> str:
        """What a merge did, in a sentence or a few."""
        count = len(result.merged)
        parts = [
            ngettext(
                "%(count)d institution merged into “%(target)s”: %(merged)s.",
                "%(count)d institutions merged into “%(target)s”: %(merged)s.",
                count,
            )
            % {
                "count": count,
                "target": result.target,
                "merged": ", ".join(result.merged),
            }
        ]
        moved = [
            f"{label} {result.moved[key]}"
            for key, label in self.merged_links.items()
            if result.moved[key]
        ]
        if moved:
            parts.append(gettext("Moved: %(links)s.") % {"links": ", ".join(moved)})
        dropped = sum(result.dropped.values())
        if dropped:
            parts.append(
                ngettext(
                    "%(count)d link that the target already had was dropped.",
                    "%(count)d links that the target already had were dropped.",
                    dropped,
                )
                % {"count": dropped}
            )

        def listed(identifiers):
            return ", ".join(
                f"{Institution._meta.get_field(name).verbose_name} “{value}”"
                for name, value in identifiers
            )

        if result.identifiers:
            parts.append(
                gettext("Identifiers moved: %(list)s.")
                % {"list": listed(result.identifiers)}
            )
        if result.identifiers_left:
            parts.append(
                gettext(
                    "Not moved, as the target has its own: %(list)s (kept in the "
                    "merged record's history)."
                )
                % {"list": listed(result.identifiers_left)}
            )
        if result.aliases:
            parts.append(
                gettext("New aliases: %(names)s.")
                % {"names": ", ".join(result.aliases)}
            )
        return " ".join(parts)


# Agreements -----------------------------------------------------------------


class AgreementPartyFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        error = self.instance.parties_error(
            form.cleaned_data.get("role")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if error:
            raise ValidationError(error, code="parties")


class AgreementPartyInline(ChoiceLabels, admin.TabularInline):
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
            days=Agreement.EXPIRES_SOON_DAYS
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
class AgreementAdmin(
    FullTextSearch, RecordImportExportMixin, ExpiryDisplay, RecordAdmin
):
    resource_classes = [AgreementResource]
    list_display = (
        "short_title",
        "kind",
        "status",
        "state_display",
        "signed",
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
    # Searched through the full-text indexes (FullTextSearch): titles,
    # reference numbers and summaries, and the names of the parties.
    search_fields = ("title",)
    search_help_text = _(
        "Searches titles in every language, reference numbers and the names of "
        "the parties."
    )
    ordering = ("-signed_on", "title")
    date_hierarchy = "signed_on"
    list_select_related = ("responsible",)
    autocomplete_fields = ("predecessor", "fields", "responsible")
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
        (_("Scope"), {"fields": ("fields", "places_overview")}),
        (_("Lineage"), {"fields": ("predecessor", "lineage", "lineage_overview")}),
        (
            _("Publication and history"),
            {"fields": ("slug", "published", *RecordAdmin.readonly_fields)},
        ),
    )
    readonly_fields = (
        *RecordAdmin.readonly_fields,
        "lineage_overview",
        "places_overview",
    )
    actions = [*RecordAdmin.actions, "renew"]

    def matching(self, query):
        """Also the agreements of the institutions named so (the names'
        index) as parties."""
        named = Institution.objects.filter(full_text.matches(query)).filter(
            full_text.matches(query, "names_vector")
        )
        parties = AgreementParty.objects.filter(institution__in=named)
        return super().matching(query) | Q(pk__in=parties.values("agreement_id"))

    def get_queryset(self, request):
        return super().get_queryset(request).with_state()

    def choice_label(self, agreement) -> str:
        return agreement.choice_label

    def choice_queryset(self, queryset):
        return queryset.for_choices()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.published_but_hidden:
            self.message_user(
                request,
                gettext(
                    "“%(agreement)s” is marked published but is not on the public "
                    "site: an agreement is public only once it is signed. Set its "
                    "status to signed (with its dates) to show it."
                )
                % {"agreement": obj},
                messages.WARNING,
            )

    @admin.action(description=_("Publish the selected records"))
    def publish(self, request, queryset):
        super().publish(request, queryset)
        hidden = queryset.exclude(status__in=Agreement.PUBLIC_STATUSES).count()
        if hidden:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of them is a draft or in negotiation: it is not on "
                    "the public site until it is signed.",
                    "%(count)d of them are drafts or in negotiation: they are not "
                    "on the public site until they are signed.",
                    hidden,
                )
                % {"count": hidden},
                messages.WARNING,
            )

    object_history_template = "admin/cooperation/agreement/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        """The agreement's history, followed by the changes to its parties,
        documents and kinds of exchange (each kept in its own history)."""
        # Each entry's description reads the institution of a party: selected
        # with it, not a query per entry.
        related = [
            {
                "entry": entry,
                "kind": model._meta.verbose_name,
                "what": str(as_recorded(entry, links)),
            }
            for model, links in (
                (AgreementParty, ("institution",)),
                (AgreementDocument, ()),
                (AgreementExchangeKind, ()),
            )
            for entry in model.history.filter(agreement_id=object_id).select_related(
                "history_user", *links
            )
        ]
        related.sort(key=lambda item: item["entry"].history_date, reverse=True)
        return super().history_view(
            request,
            object_id,
            extra_context={**(extra_context or {}), "related_history": related},
        )

    @admin.display(description=_("places per academic year"))
    def places_overview(self, agreement):
        """Places agreed, used and left per academic year and kind of
        exchange (Agreement.places_usage), over-quota rows marked."""
        if not agreement.pk:
            return "–"
        return render_to_string(
            "admin/cooperation/_places_usage.html",
            {"rows": agreement.places_usage()},
        )

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


# Exchanges ------------------------------------------------------------------


class ExchangeForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        host, agreement = cleaned_data.get("host"), cleaned_data.get("agreement")
        errors = Exchange.institution_errors(
            host_id=host.pk if host else None,
            partner_ids=[p.pk for p in cleaned_data.get("partners") or ()],
            agreement_id=agreement.pk if agreement else None,
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned_data


@admin.register(Exchange)
class ExchangeAdmin(FullTextSearch, RecordImportExportMixin, RecordAdmin):
    form = ExchangeForm
    resource_classes = [ExchangeResource]
    list_display = (
        "short_title",
        "kind",
        "short_host",
        "starts",
        "ends",
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
    # Searched through the full-text index (get_search_results).
    search_fields = ("title",)
    search_help_text = _(
        "Searches titles and summaries in every language, the names of the "
        "host and the partners, and agreement reference numbers."
    )
    # Served by an index (newest first), also at a million exchanges.
    ordering = ("-starts_on", "-pk")
    # No date_hierarchy: its year links cost a DISTINCT over every row (and
    # every search match) on each page view, seconds at a million exchanges;
    # the state and "starting soon" filters serve the same need.
    list_per_page = 50
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.agreement_id and not obj.cancelled:
            self.warn_over_quota(request, obj)

    def warn_over_quota(self, request, exchange) -> None:
        """Say so when the exchange's agreement has now used more places of
        its kind in its academic year than it agreed (two queries)."""
        year = academic_year(exchange.starts_on)
        agreement = Agreement.objects.for_places([year]).get(pk=exchange.agreement_id)
        for row in agreement.places_usage([year]):
            if row.kind == exchange.kind and row.over:
                self.message_user(
                    request,
                    gettext(
                        "“%(agreement)s” agreed %(agreed)d places a year for "
                        "%(kind)s; with this exchange %(used)d are used in "
                        "%(year)s: %(over)d over the quota."
                    )
                    % {
                        "agreement": agreement,
                        "agreed": row.agreed,
                        "kind": row.kind_label,
                        "used": row.used,
                        "year": row.year_label,
                        "over": row.over,
                    },
                    messages.WARNING,
                )

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, exchange):
        return Exchange.State(exchange.state).label

    # Fields of education -------------------------------------------------------

    def search_condition(self, term, *, typing=False):
        """Also the exchanges of an agreement whose reference number is the
        term, as typed or in capitals (the reference's unique index)."""
        references = list(
            Agreement.objects.filter(reference__in={term, term.upper()}).values_list(
                "pk", flat=True
            )[:20]
        )
        condition = super().search_condition(term, typing=typing)
        if not references:
            return condition
        by_reference = Q(agreement__in=references)
        return by_reference if condition is None else condition | by_reference


@admin.register(FieldOfEducation)
class FieldOfEducationAdmin(HistoryAdmin, TranslationAdmin):
    list_display = ("code", "name", "level", "short_parent")
    list_filter = ("level",)
    search_fields = ("code", *languages.columns("name"))
    ordering = ("code",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("created", "updated")
    fields = ("code", "level", "parent", "name", "slug", "created", "updated")


# Interest registrations ----------------------------------------------------


@admin.register(Interest)
class InterestAdmin(RecordExportMixin, ScopedAdminMixin, HistoryAdmin):
    resource_classes = [InterestResource]
    list_display = (
        "received",
        "name",
        "email",
        "organisation",
        "short_exchange",
        "status",
        "notification_failed",
    )
    list_editable = ("status",)
    list_filter = (
        "status",
        "notification_failed",
        ("created", admin.DateFieldListFilter),
        "exchange__kind",
    )
    search_fields = (
        "name",
        "email",
        "organisation",
        f"exchange__{languages.column('title', languages.SOURCE)}",
    )
    ordering = ("-created",)
    date_hierarchy = "created"
    list_select_related = ("exchange",)
    autocomplete_fields = ("exchange",)
    readonly_fields = ("created", "updated", "notification_failed")
    actions = ["mark_answered", "mark_spam"]
    fields = (
        "exchange",
        "name",
        "email",
        "organisation",
        "message",
        "consent",
        "status",
        "notification_failed",
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
class UserAdmin(ChoiceLabels, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Institutions"), {"fields": ("institutions",)}),
        (_("Preferences"), {"fields": ("language",)}),
    )
    autocomplete_fields = ("institutions",)

    @staticmethod
    def _responsible_lookup(request) -> bool:
        """An agreement's "responsible staff member" autocomplete request."""
        match = request.resolver_match
        return (
            match is not None
            and match.url_name == "autocomplete"
            and request.GET.get("model_name") == "agreement"
            and request.GET.get("field_name") == "responsible"
        )

    def has_view_permission(self, request, obj=None):
        # Whoever edits agreements may look colleagues up by name for the
        # "responsible" field; the user list itself stays closed to them.
        if (
            obj is None
            and self._responsible_lookup(request)
            and request.user.has_perm("cooperation.change_agreement")
        ):
            return True
        return super().has_view_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        if self._responsible_lookup(request):
            queryset = queryset.filter(is_staff=True, is_active=True)
        return super().get_search_results(request, queryset, search_term)

    def get_readonly_fields(self, request, obj=None):
        readonly_fields = super().get_readonly_fields(request, obj)
        if permissions.is_scoped(request.user):
            # A user tied to institutions cannot widen anyone's reach.
            return (*readonly_fields, "institutions")
        return readonly_fields
