"""The admin side of import and export: the import forms (with defaults
for rows that leave a value out) and the mixins of the ModelAdmins."""

from django import forms
from django.contrib import messages
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.forms import ConfirmImportForm, ImportForm

from .. import scoping
from .cells import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
)


def _default_fields(resource_class) -> dict[str, forms.Field]:
    """The import form's fields for values of rows that leave them out."""
    fields = {}
    for key in resource_class.default_headers:
        if key == "country":
            choices = [("", "---------"), *countries]
        else:
            choices = [
                ("", "---------"),
                *resource_class.fields[key].widget.choices.choices,
            ]
        name = resource_class._meta.model._meta.get_field(key).verbose_name
        fields[f"default_{key}"] = forms.ChoiceField(
            label=_("%(column)s for rows without one") % {"column": capfirst(name)},
            choices=choices,
            required=False,
        )
    return fields


FILL, REPLACE = "fill", "replace"
#: How many of a preview's notes are listed (a file of thousands of rows
#: with several web addresses each would bury the page).
MAX_LISTED_NOTES = 20


class RecordImportForm(ImportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields.update(_default_fields(resources[0]))
        self.fields["update_mode"] = forms.ChoiceField(
            label=_("Rows that update a record"),
            choices=[
                (FILL, _("fill its empty fields only")),
                (REPLACE, _("replace its values with the file's")),
            ],
            initial=FILL,
            required=False,  # left out: fill
            widget=forms.RadioSelect,
            help_text=_(
                "A name in capitals from an official list never replaces a "
                "record's name: it becomes the official name or an alias."
            ),
        )


class RecordConfirmImportForm(ConfirmImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("country", "kind"):
            self.fields[f"default_{key}"] = forms.CharField(
                widget=forms.HiddenInput, required=False
            )
        self.fields["update_mode"] = forms.CharField(
            widget=forms.HiddenInput, required=False
        )


class RecordExportMixin(ExportMixin):
    """The admin export of a changelist's filtered rows to CSV or XLSX, for
    anyone who may view the records."""

    to_encoding = "utf-8-sig"  # so that Excel reads Chinese names right

    def get_export_formats(self):
        return EXPORT_FORMATS

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_valid_export_item_pks(self, request):
        # Rows picked by id (an "export selected" POST): the ids asked for,
        # not every id of a large table. The export then keeps those of them
        # in the list (get_export_queryset), so others are left out silently.
        asked = [pk for pk in request.POST.getlist("export_items") if pk.isdigit()]
        return self.model._default_manager.filter(pk__in=asked).values_list(
            "pk", flat=True
        )


class RecordImportExportMixin(ImportExportMixin, RecordExportMixin):
    """The admin import (a preview, then "Confirm import") and export. Only
    editors who may add and change every record may import: an editor tied to
    some institutions cannot (an import may touch any record)."""

    import_form_class = RecordImportForm
    confirm_form_class = RecordConfirmImportForm
    import_template_name = "admin/import_export/registry_import.html"
    import_error_display = ("message",)

    def get_import_formats(self):
        return IMPORT_FORMATS

    def has_import_permission(self, request):
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and not scoping.is_scoped(request.user)
        )

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        defaults = {}
        if form is not None and hasattr(form, "cleaned_data"):
            resource_class = self.get_import_resource_classes(request)[0]
            for key, header in resource_class.default_headers.items():
                defaults[header] = form.cleaned_data.get(f"default_{key}", "")
            replace = form.cleaned_data.get("update_mode") == REPLACE
        else:
            replace = False
        return {"user": request.user, "defaults": defaults, "replace": replace}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            for key in ("country", "kind"):
                initial[f"default_{key}"] = import_form.cleaned_data.get(
                    f"default_{key}", ""
                )
            initial["update_mode"] = import_form.cleaned_data.get("update_mode", FILL)
        return initial

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # The preview is a TemplateResponse, rendered after this returns:
        # messages added now are shown above it.
        result = (getattr(response, "context_data", None) or {}).get("result")
        if result is not None and "confirm_form" in response.context_data:
            self.add_note_messages(request, result)
        return response

    @staticmethod
    def add_note_messages(request, result) -> None:
        """What the import did with cells that staff should know (of several
        web addresses, the first kept...), as messages above the preview."""
        notes = result.notes()
        for line, column, message in notes[:MAX_LISTED_NOTES]:
            messages.info(
                request,
                _("Line %(line)s, column “%(column)s”: %(message)s")
                % {"line": line, "column": column, "message": message},
            )
        if len(notes) > MAX_LISTED_NOTES:
            more = len(notes) - MAX_LISTED_NOTES
            messages.info(
                request,
                ngettext(
                    "... and %(count)s more note like these.",
                    "... and %(count)s more notes like these.",
                    more,
                )
                % {"count": more},
            )

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # A row that fails when confirming (the data changed since the
        # preview) rolls the whole file back too.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        resource_class = self.get_import_resource_classes(None)[0]
        context["resource_help"] = resource_class.__doc__
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeDecodeError):
            form.add_error(
                "import_file",
                _(
                    "This file is not UTF-8 text. In Excel, save it as “CSV UTF-8” "
                    "or as an Excel workbook (.xlsx)."
                ),
            )
        else:
            super().add_data_read_fail_error_to_form(form, e)
