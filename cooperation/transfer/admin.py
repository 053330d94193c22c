"""The admin side of import and export: the import forms (with defaults
for rows that leave a value out), the mapping step (what each column of a
file gives) and the mixins of the ModelAdmins."""

import json
import os.path
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.forms import (
    ConfirmImportForm,
    ImportForm,
    SelectableFieldsExportForm,
)

from .. import permissions
from ..caching import public_data_changed
from ..translation import HISTORY
from .base import (
    ASK_ALWAYS,
    ASK_NEVER,
    ASK_UNRECOGNISED,
    FileColumn,
    MappingNeeded,
)
from .cells import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
)
from .report import group_problems, import_problems, unreadable_message


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
        fields[f"default_{key}"] = forms.ChoiceField(
            label=_default_label(resource_class, key),
            choices=choices,
            required=False,
        )
    return fields


FILL, REPLACE = "fill", "replace"
#: How many of a preview's notes are listed (a file of thousands of rows
#: with several web addresses each would bury the page).
MAX_LISTED_NOTES = 20
#: How many groups of errors (by column and message), and how many errors
#: one by one, a preview lists: a file of 10,000 bad rows stays a page.
MAX_LISTED_GROUPS = 50
MAX_LISTED_PROBLEMS = 200


def form_hint(resource_class, key: str) -> str:
    """How the import form gives a value for rows without one."""
    return _("choose “%(choice)s” in the form") % {
        "choice": _default_label(resource_class, key)
    }


def _default_label(resource_class, key: str) -> str:
    """The label of the import form's choice of a value for rows without
    one: "Kind for rows without one"."""
    name = resource_class._meta.model._meta.get_field(key).verbose_name
    return _("%(column)s for rows without one") % {"column": capfirst(name)}


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
        self.fields["choose_columns"] = forms.BooleanField(
            label=_("Check what each column gives before the preview"),
            required=False,
            help_text=_(
                "Columns the registry does not recognise are always shown "
                "first, with their first values, to choose the field each "
                "gives. Tick this to check every column, or to change the "
                "mapping saved for files with these columns."
            ),
        )


@dataclass
class StoredFile:
    """The file uploaded at the first step, as django-import-export keeps it
    in its temporary storage between the steps."""

    name: str
    tmp_storage_name: str


#: Signs the mapping form's columns: what the page showed comes back as is.
COLUMNS_SALT = "cooperation.resources.admin.columns"


class ColumnMappingForm(RecordImportForm):
    """The mapping step of the admin import, before the preview: each column
    of the uploaded file with its first values and a choice of the registry
    field it gives (pre-filled with the best guess, or ignored), and the
    first step's choices. The file stays in django-import-export's temporary
    storage. ``columns`` (``FileColumn``) for the first showing; submitted,
    they come back signed."""

    import_file_name = forms.CharField(widget=forms.HiddenInput)
    original_file_name = forms.CharField(widget=forms.HiddenInput)
    file_columns = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, formats, resources, *, columns=None, **kwargs):
        super().__init__(formats, resources, **kwargs)
        del self.fields["import_file"], self.fields["choose_columns"]
        for name in ("resource", "format"):
            self.fields[name].widget = forms.HiddenInput()
        self.resource_class = resources[0]
        if columns is None and self.is_bound:
            try:
                columns = [
                    FileColumn(header, tuple(samples), guess, recognised)
                    for header, samples, guess, recognised in signing.loads(
                        self.data.get(self.add_prefix("file_columns"), ""),
                        salt=COLUMNS_SALT,
                    )
                ]
            except (signing.BadSignature, TypeError, ValueError):
                columns = []  # clean() says so
        elif columns is not None:
            self.initial["file_columns"] = signing.dumps(
                [
                    [column.header, column.samples, column.guess, column.recognised]
                    for column in columns
                ],
                salt=COLUMNS_SALT,
                compress=True,
            )
        self.columns = columns or []
        choices = [
            ("", _("(ignore this column)")),
            *self.resource_class.column_choices(),
        ]
        self.column_names = [f"column_{index}" for index in range(len(self.columns))]
        for name, column in zip(self.column_names, self.columns, strict=True):
            self.fields[name] = forms.ChoiceField(
                label=column.header,
                choices=choices,
                initial=column.guess,
                required=False,
            )
        self.order_fields(self.column_names)

    def column_rows(self) -> list[tuple[FileColumn, forms.BoundField]]:
        """Each column of the file with its choice, for the template."""
        return [
            (column, self[name])
            for name, column in zip(self.column_names, self.columns, strict=True)
        ]

    def other_fields(self) -> list[forms.BoundField]:
        """The first step's choices shown again (defaults, update mode)."""
        return [
            field
            for field in self.visible_fields()
            if field.name not in self.column_names
        ]

    def add_error(self, field, error):
        # The file's problems (the upload form puts them at its file field)
        # are the whole form's here.
        super().add_error(None if field == "import_file" else field, error)

    def clean_import_file_name(self) -> str:
        # A name in django-import-export's temporary folder, nothing else.
        return os.path.basename(self.cleaned_data["import_file_name"])

    def clean(self):
        cleaned_data = super().clean()
        if not self.columns:
            raise forms.ValidationError(
                _("The columns of the file were lost: upload the file again.")
            )
        decisions = [
            (column.header, cleaned_data.get(name) or "")
            for name, column in zip(self.column_names, self.columns, strict=True)
        ]
        clash = self.resource_class.clashing_columns(decisions)
        if clash:
            labels = dict(self.resource_class.column_choices())
            raise forms.ValidationError(
                _(
                    "The columns “%(first)s” and “%(second)s” both give "
                    "“%(field)s”: choose another field for one of them, or "
                    "ignore it."
                )
                % {"first": clash[0], "second": clash[1], "field": labels[clash[2]]}
            )
        cleaned_data["column_mapping"] = dict(decisions)
        if "import_file_name" in cleaned_data and "original_file_name" in cleaned_data:
            cleaned_data["import_file"] = StoredFile(
                cleaned_data["original_file_name"], cleaned_data["import_file_name"]
            )
        return cleaned_data


#: Signs the rows left out as conflicts that the preview showed (``Conflict``).
CONFLICTS_SALT = "cooperation.resources.admin.conflicts"
#: The confirm form's id: the preview's choices for conflicts belong to it.
CONFIRM_FORM_ID = "confirm-import"
LEAVE_OUT, SAME_INSTITUTION = "leave", "same"


class ConflictDecisionsForm(forms.Form):
    """What staff decide in the preview for each row whose identifier is
    that of a record with another name (``Conflict``): leave it out (the
    default) or import it into the record as the same institution. Shown in
    the preview's table of conflicts, its choices belong to the confirm form
    (``CONFIRM_FORM_ID``), which reads them (``clean_conflicts``)."""

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        for line in lines:
            self.fields[self.field_name(line)] = forms.ChoiceField(
                label=_("Decision for line %(line)s") % {"line": line},
                choices=[
                    (LEAVE_OUT, _("Leave the row out")),
                    (
                        SAME_INSTITUTION,
                        _("Same institution: import the row into this record"),
                    ),
                ],
                initial=LEAVE_OUT,
                required=False,
                widget=forms.RadioSelect(attrs={"form": CONFIRM_FORM_ID}),
            )

    @staticmethod
    def field_name(line: int) -> str:
        return f"conflict_{line}"


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
        self.fields["column_mapping"] = forms.CharField(
            widget=forms.HiddenInput, required=False
        )
        self.fields["conflicts"] = forms.CharField(
            widget=forms.HiddenInput, required=False
        )
        # The preview offered to import the rows without errors.
        self.fields["leave_out_errors"] = forms.BooleanField(
            widget=forms.HiddenInput, required=False
        )

    def clean_conflicts(self) -> dict[int, tuple[int, str]]:
        """The rows the preview showed as conflicts that staff said are the
        same institution as the record: line -> (the record's id, its
        version), as the resource takes them (``confirmed_conflicts``). A
        decision that was tampered with leaves its row out."""
        try:
            shown = {
                int(line): (int(pk), str(version))
                for line, pk, version in signing.loads(
                    self.cleaned_data.get("conflicts") or "", salt=CONFLICTS_SALT
                )
            }
        except (signing.BadSignature, TypeError, ValueError):
            return {}
        decisions = ConflictDecisionsForm(self.data, lines=shown)
        decisions.is_valid()  # a choice that is not one leaves its row out
        return {
            line: record
            for line, record in shown.items()
            if decisions.cleaned_data.get(decisions.field_name(line))
            == SAME_INSTITUTION
        }

    def clean_column_mapping(self) -> dict[str, str] | None:
        """What each column gives, as the preview decided it (JSON)."""
        text = self.cleaned_data.get("column_mapping")
        if not text:
            return None
        try:
            mapping = json.loads(text)
        except ValueError:
            mapping = None
        if not isinstance(mapping, dict) or not all(
            isinstance(value, str) for value in mapping.values()
        ):
            raise forms.ValidationError(
                _("The mapping of the file's columns was lost: upload the file again.")
            )
        return mapping


class RecordExportForm(SelectableFieldsExportForm):
    """The export page's check boxes, one a column, named by the column's
    label in the staff member's language ("Title (Simplified Chinese)",
    "Kind") rather than django-import-export's "Title Zh Hans (Title
    (Chinese))" and "Kind (Kind)". The file's headers stay as they are."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is None:
            return super()._get_field_label(resource, field_name)
        if hasattr(resource, "column_choices"):  # the record types' columns
            return dict(resource.column_choices()).get(
                field.column_name, field.column_name
            )
        try:
            model_field = resource._meta.model._meta.get_field(field.attribute or "")
        except FieldDoesNotExist:
            return field.column_name
        return capfirst(model_field.verbose_name)


class RecordExportMixin(ExportMixin):
    """The admin export of a changelist's filtered rows to CSV or XLSX, for
    anyone who may view the records."""

    export_form_class = RecordExportForm
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
    import_mapping_template_name = "admin/import_export/registry_import_mapping.html"

    def get_import_formats(self):
        return IMPORT_FORMATS

    def has_import_permission(self, request):
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and not permissions.is_scoped(request.user)
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
        # The mapping step's or the confirm's mapping; at the first step, the
        # import stops for the mapping step when a column needs deciding.
        mapping, ask_mapping = None, ASK_NEVER
        confirming = isinstance(form, RecordConfirmImportForm)
        if isinstance(form, ColumnMappingForm | RecordConfirmImportForm):
            mapping = getattr(form, "cleaned_data", {}).get("column_mapping")
        elif isinstance(form, RecordImportForm) and hasattr(form, "cleaned_data"):
            ask_mapping = (
                ASK_ALWAYS
                if form.cleaned_data.get("choose_columns")
                else ASK_UNRECOGNISED
            )
        return {
            "user": request.user,
            "defaults": defaults,
            "replace": replace,
            "mapping": mapping,
            "ask_mapping": ask_mapping,
            # The rows staff said, in the preview, are the same institution.
            "confirmed_conflicts": (
                getattr(form, "cleaned_data", {}).get("conflicts")
                if isinstance(form, RecordConfirmImportForm)
                else None
            ),
            **self.bulk_kwargs(request, confirming=confirming),
        }

    def imports_in_bulk(self, request) -> bool:
        """Whether the preview and the confirm read and write the rows in
        bulk, as the command line does (``writing.py``, history included,
        by the signed-in user): for records whose history keeps no
        many-to-many fields, which only saving row by row records (an
        agreement's or an exchange's fields of education)."""
        return not HISTORY[self.get_import_resource_classes(request)[0]._meta.model]

    def bulk_kwargs(self, request, *, confirming: bool) -> dict:
        bulk = self.imports_in_bulk(request)
        return {
            "bulk": bulk,
            "preview": bulk and not confirming,
            # The preview showed the likely duplicates; the confirm's page
            # does not.
            "look_for_duplicates": not confirming,
        }

    def get_import_form_class(self, request):
        if "file_columns" in request.POST:
            return ColumnMappingForm
        return super().get_import_form_class(request)

    def write_to_tmp_storage(self, import_file, input_format):
        if isinstance(import_file, StoredFile):
            # The mapping step: the file is in the storage since the first.
            return self.get_tmp_storage_class()(
                name=import_file.tmp_storage_name,
                encoding=None if input_format.is_binary() else self.from_encoding,
                read_mode=input_format.get_read_mode(),
                **self.get_tmp_storage_class_kwargs(),
            )
        return super().write_to_tmp_storage(import_file, input_format)

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
        # messages added and context changed now are shown in it.
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if self.mapping_step(request, response, context, result):
            return response
        if result is not None and "confirm_form" not in context:
            self.add_problems(request, context, result)
            self.offer_leaving_out_errors(request, context, result)
        if result is not None and "confirm_form" in context:
            self.add_mapping_messages(request, context, result)
            self.add_conflict_choices(context, result)
            self.add_note_messages(request, result)
            self.drop_blank_columns(result)
        return response

    def offer_leaving_out_errors(self, request, context, result) -> None:
        """When only some rows have errors, and the file as a whole none, a
        confirm that imports the other rows and leaves those out (a real
        list has a few rows no one can correct: a country that no longer
        exists, a broken address)."""
        rows_with_errors = len(result.invalid_rows) + len(result.row_errors())
        if (
            result.has_errors()
            or not rows_with_errors
            or not (result.totals["new"] or result.totals["update"])
            or context["form"].errors
        ):
            return
        import_form = self.create_import_form(request)
        if not import_form.is_valid():
            return
        confirm_form = self.create_confirm_form(request, import_form=import_form)
        confirm_form.initial["leave_out_errors"] = True
        context["confirm_form"] = confirm_form
        context["rows_with_errors"] = rows_with_errors

    @staticmethod
    def drop_blank_columns(result) -> None:
        """Leave out of the preview the columns that no row shows anything
        in: a file of six columns would show thirty, mostly empty, and a
        preview of 10,000 rows three times the page for the browser."""
        rows = [row for row in result.valid_rows() if row.diff]
        kept = [
            index
            for index in range(len(result.diff_headers))
            if any(row.diff[index] for row in rows)
        ]
        result.diff_headers = [result.diff_headers[index] for index in kept]
        for row in rows:
            row.diff = [row.diff[index] for index in kept]

    def add_problems(self, request, context, result) -> None:
        """What stops the import, for the page: the file's problems as
        errors of the form (a value the whole file lacks at the choice that
        gives it, the others at the file), the rows' grouped by column and
        message, then one by one (the first ``MAX_LISTED_PROBLEMS``)."""
        resource_class = self.get_import_resource_classes(request)[0]
        problems = import_problems(result, resource_class, default_hint=form_hint)
        form = context["form"]
        for problem in problems:
            if problem.line is None:
                field = f"default_{problem.default}"
                form.add_error(
                    field if field in form.fields else "import_file", problem.message
                )
        rows = [problem for problem in problems if problem.line is not None]
        groups = group_problems(rows)
        context["problem_groups"] = groups[:MAX_LISTED_GROUPS]
        context["more_problem_groups"] = sum(
            group.count for group in groups[MAX_LISTED_GROUPS:]
        )
        context["problems"] = rows[:MAX_LISTED_PROBLEMS]
        context["more_problems"] = max(0, len(rows) - MAX_LISTED_PROBLEMS)

    def mapping_step(self, request, response, context, result) -> bool:
        """Whether the page is the mapping step, made so: the first step
        found columns to decide (``MappingNeeded``). After the mapping step
        its mapping is remembered; the preview follows, or the mapping form
        again with its errors and the file's."""
        form = context.get("form")
        needed = next(
            (
                error.error
                for error in (result.base_errors if result is not None else ())
                if isinstance(error.error, MappingNeeded)
            ),
            None,
        )
        if needed is not None:
            upload = form.cleaned_data["import_file"]
            initial = {
                **form.cleaned_data,
                "import_file_name": upload.tmp_storage_name,
                "original_file_name": upload.name,
                "update_mode": form.cleaned_data.get("update_mode") or FILL,
            }
            mapping_form = ColumnMappingForm(
                self.get_import_formats(),
                self.get_import_resource_classes(request),
                columns=needed.columns,
                initial=initial,
            )
            context["form"] = mapping_form
            context["mapping_saved_on"] = needed.saved_on
            del context["result"]
            response.template_name = [self.import_mapping_template_name]
            return True
        if isinstance(form, ColumnMappingForm):
            response.template_name = [self.import_mapping_template_name]
            if form.is_valid():
                form.resource_class.remember_mapping(
                    form.cleaned_data["column_mapping"], user=request.user
                )
        return False

    @staticmethod
    def add_mapping_messages(request, context, result) -> None:
        """Above the preview: which saved mapping decided columns, which
        columns are ignored; and the confirm repeats the mapping."""
        context["confirm_form"].initial["column_mapping"] = json.dumps(
            result.column_mapping
        )
        if result.mapping_saved_on:
            messages.info(
                request,
                _(
                    "Using the column mapping saved on %(date)s. To change it, "
                    "upload the file again with “Check what each column gives "
                    "before the preview” ticked."
                )
                % {"date": date_format(localtime(result.mapping_saved_on))},
            )
        if result.ignored_columns:
            messages.info(
                request,
                _("Ignored columns: %(columns)s")
                % {"columns": ", ".join(result.ignored_columns)},
            )

    @staticmethod
    def add_conflict_choices(context, result) -> None:
        """In the preview, a choice for each row left out as a conflict
        (``conflict_rows``: the conflict and its choice, for the table);
        the confirm form carries the conflicts shown, signed."""
        conflicts = result.conflicts()
        if not conflicts:
            return
        context["confirm_form"].initial["conflicts"] = signing.dumps(
            [
                [conflict.line, conflict.record_id, conflict.record_version]
                for conflict in conflicts
            ],
            salt=CONFLICTS_SALT,
            compress=True,
        )
        decisions = ConflictDecisionsForm(lines=[c.line for c in conflicts])
        context["conflict_rows"] = [
            (conflict, decisions[decisions.field_name(conflict.line)])
            for conflict in conflicts
        ]

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

    def process_result(self, result, request):
        leaving_out = getattr(request, "import_leaves_out_errors", False)
        if leaving_out and not result.has_errors() and result.has_validation_errors():
            rows = len(result.invalid_rows) + len(result.row_errors())
            messages.warning(
                request,
                ngettext(
                    "%(count)s row with errors was left out, as the preview showed.",
                    "%(count)s rows with errors were left out, as the preview showed.",
                    rows,
                )
                % {"count": rows},
            )
        if leaving_out or not (result.has_errors() or result.has_validation_errors()):
            # Rows confirmed as the same institution but left out all the
            # same (the record changed since the preview...).
            for _line, message in result.declined_conflicts:
                messages.warning(request, message)
            if self.imports_in_bulk(request):
                public_data_changed()  # written without the records' save()
            return super().process_result(result, request)
        # Confirmed, but the rows fail now (the registry changed since the
        # preview): rolled back, and said so instead of "Import finished".
        resource_class = self.get_import_resource_classes(request)[0]
        problems = import_problems(result, resource_class, default_hint=form_hint)
        messages.error(
            request,
            _(
                "Nothing was imported: the file has errors that the preview did "
                "not show (the registry changed meanwhile). Upload it again to "
                "see them all."
            ),
        )
        for group in group_problems(problems)[:MAX_LISTED_NOTES]:
            messages.error(request, str(group))
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
        )

    def get_import_data_kwargs(self, **kwargs):
        form, request = kwargs.get("form"), kwargs.get("request")
        leaving_out = isinstance(form, RecordConfirmImportForm) and bool(
            form.cleaned_data.get("leave_out_errors")
        )
        if request is not None:
            request.import_leaves_out_errors = leaving_out
        kwargs = super().get_import_data_kwargs(**kwargs)
        # A row that fails when confirming (the data changed since the
        # preview) rolls the whole file back too, unless staff chose to
        # leave out the rows with errors.
        kwargs["rollback_on_validation_errors"] = not leaving_out
        return kwargs

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        resource_class = self.get_import_resource_classes(None)[0]
        context["import_columns"] = resource_class.column_help()
        context["matching_help"] = resource_class.matching_help
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(form, ColumnMappingForm):
            form.add_error(
                None, _("The uploaded file is no longer available: upload it again.")
            )
            return
        form.add_error("import_file", unreadable_message(e))
