"""Importing and exporting agreements."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import languages
from ..models import (
    Agreement,
    AgreementParty,
)
from .base import RecordResource
from .cells import (
    AGREEMENT,
    EXPORTED_ONLY,
    FIELDS_OF_EDUCATION,
    INSTITUTIONS,
    Boolean,
    Choice,
    Date,
    Integer,
    Related,
    Text,
    cell_text,
    column,
    normalized,
    source_text,
    translated,
)
from .directory import ResolverMixin
from .writing import record_history


class AgreementResource(ResolverMixin, RecordResource):
    """Agreements. The columns, as the import page describes them, are
    declared below (``column_help``); how rows are matched is
    ``matching_help``."""

    matching_help = gettext_lazy(
        "A signed agreement needs two parties. A row updates the agreement "
        "with its reference number, else the one with the same title (and no "
        "other reference number). Parties and witnesses given in a row are "
        "set where the agreement has none, and replace those it has when the "
        "import replaces values; a column left out leaves them as they are."
    )

    required_headers = ("Title", "Kind")
    default_headers = {"kind": "Kind"}

    title = translated(
        "title",
        "Title",
        aliases=("agreement", "english title"),
        language_aliases={"zh-hans": ("中文标题",)},
    )
    reference = column(
        "reference", "Reference", aliases=("reference number", "ref", "编号")
    )
    kind = column("kind", "Kind", Choice(Agreement.Kind), aliases=("type", "类型"))
    summary = translated("summary", "Summary", multiline=True)
    internal_notes = column(
        "internal_notes", "Internal notes", Text(multiline=True), aliases=("notes",)
    )
    responsible = column(
        "responsible",
        "Responsible",
        Related(gettext_lazy("a staff member's user name or e-mail")),
        readonly=True,
        aliases=("contact",),
    )
    status = column(
        "status",
        "Status",
        Choice(Agreement.Status),
        aliases=("状态",),
        help_text=gettext_lazy("default: draft"),
    )
    signed_on = column(
        "signed_on", "Signed on", Date(), aliases=("signed", "date signed", "签署日期")
    )
    signed_at = column("signed_at", "Signed at", aliases=("place of signature",))
    signing_mode = column(
        "signing_mode",
        "Signed how",
        Choice(Agreement.SigningMode),
        aliases=("signing mode", "mode"),
    )
    valid_from = column(
        "valid_from", "Valid from", Date(), aliases=("start", "starts on", "生效日期")
    )
    expires_on = column(
        "expires_on",
        "Expires on",
        Date(),
        aliases=("expiry", "expiry date", "end", "ends on", "到期日期"),
    )
    renews_automatically = column(
        "renews_automatically", "Renews automatically", Boolean()
    )
    notice_period_days = column(
        "notice_period_days", "Notice period (days)", Integer(), aliases=("notice",)
    )
    fields = column(
        "fields",
        "Fields of education",
        Related(FIELDS_OF_EDUCATION),
        readonly=True,
        aliases=("fields", "isced", "isced codes"),
    )
    parties = column(
        "parties",
        "Parties",
        Related(INSTITUTIONS),
        readonly=True,
        aliases=("signatories", "institutions", "partners", "签署方"),
    )
    witnesses = column("witnesses", "Witnesses", Related(INSTITUTIONS), readonly=True)
    predecessor = column(
        "predecessor",
        "Earlier agreement",
        Related(AGREEMENT),
        readonly=True,
        aliases=("previous agreement",),
    )
    lineage = column(
        "lineage",
        "Relation to earlier",
        Choice(Agreement.Lineage),
        aliases=("lineage",),
    )
    published = column("published", "Published", Boolean())
    slug = column("slug", "Slug", readonly=True, help_text=EXPORTED_ONLY)
    places = column(
        "places_used",
        "Places per academic year",
        readonly=True,
        help_text=EXPORTED_ONLY,
    )

    class Meta(RecordResource.Meta):
        model = Agreement

    def filter_export(self, queryset, **kwargs):
        # The places used: one subquery a row (Agreement.places_usage).
        return (
            queryset.select_related("responsible", "predecessor")
            .prefetch_related("fields", "parties__institution")
            .for_places()
        )

    def dehydrate_places(self, agreement):
        """ "2026/27 student exchange: 10 agreed, 12 used, 2 over the quota"
        for each academic year and kind, "; " between them."""
        if not hasattr(agreement, "places_used"):
            return ""  # not loaded by filter_export (an import's preview)
        parts = []
        for row in agreement.places_usage():
            if row.agreed is None:
                figures = _("no quota, %(used)d used") % {"used": row.used}
            elif row.over:
                figures = _(
                    "%(agreed)d agreed, %(used)d used, %(over)d over the quota"
                ) % {"agreed": row.agreed, "used": row.used, "over": row.over}
            else:
                figures = _("%(agreed)d agreed, %(used)d used, %(left)d left") % {
                    "agreed": row.agreed,
                    "used": row.used,
                    "left": row.left,
                }
            parts.append(f"{row.year_label} {row.kind_label}: {figures}")
        return "; ".join(parts)

    def dehydrate_fields(self, agreement):
        return "; ".join(field.code for field in agreement.fields.all())

    def dehydrate_parties(self, agreement):
        return self._party_names(agreement, witness=False)

    def dehydrate_witnesses(self, agreement):
        return self._party_names(agreement, witness=True)

    def _party_names(self, agreement, *, witness: bool) -> str:
        return "; ".join(
            source_text(party.institution, "name")
            for party in agreement.parties.all()
            if (party.role == AgreementParty.Role.WITNESS) == witness
        )

    def dehydrate_responsible(self, agreement):
        return agreement.responsible.get_username() if agreement.responsible else ""

    def dehydrate_predecessor(self, agreement):
        predecessor = agreement.predecessor
        if predecessor is None:
            return ""
        return predecessor.reference or source_text(predecessor, "title")

    def match_rows(self, rows):
        references, titles = {}, defaultdict(list)
        for pk, reference, title in Agreement.objects.values_list(
            "pk", "reference", languages.column("title", languages.SOURCE)
        ):
            if reference:
                references[reference] = pk
            titles[normalized(title or "")].append((pk, reference))
        seen = {}
        for number, row in rows:
            reference = cell_text(row.get("Reference"))
            title = normalized(cell_text(row.get("Title")))
            key = ("reference", reference) if reference else ("title", title)
            if key in seen:
                header = "Reference" if reference else "Title"
                self.add_error(
                    number,
                    header,
                    _(
                        "Line %(line)s of this file has the same %(column)s "
                        "“%(value)s”: give each agreement its own, or remove one "
                        "of the two lines."
                    )
                    % {
                        "line": seen[key],
                        "column": self.label(header),
                        "value": reference or cell_text(row.get("Title")),
                    },
                )
            seen.setdefault(key, self.line(number))
            if reference in references:
                self.matches[number] = references[reference]
                continue
            candidates = [
                pk for pk, other in titles.get(title, []) if not reference or not other
            ]
            if len(candidates) == 1:
                self.matches[number] = candidates[0]
            elif candidates:
                self.add_error(
                    number,
                    "Title",
                    _(
                        "Several agreements have this title: give the reference "
                        "number to say which one this row updates."
                    ),
                )

    def import_relations(self, instance, row):
        errors = {}
        relations = instance._import_relations
        if "Responsible" in row:
            text = cell_text(row["Responsible"])
            instance.responsible_id = None
            if text:
                pk = self.staff.get(text.casefold())
                if pk is None:
                    errors["Responsible"] = [
                        _("No staff member has the user name or e-mail “%(text)s”.")
                        % {"text": text}
                    ]
                instance.responsible_id = pk
        if "Earlier agreement" in row:
            text = cell_text(row["Earlier agreement"])
            instance.predecessor_id = None
            if text:
                pk, problem = self.find_agreement(text)
                if problem:
                    errors["Earlier agreement"] = [problem]
                instance.predecessor_id = pk
        for header, role in (
            ("Parties", AgreementParty.Role.SIGNATORY),
            ("Witnesses", AgreementParty.Role.WITNESS),
        ):
            if header in row:
                pks, problems = self.find_institutions(row[header])
                if problems:
                    errors[header] = problems
                relations[role] = pks
        if "Fields of education" in row:
            pks, problems = self.find_fields(row["Fields of education"])
            if problems:
                errors["Fields of education"] = problems
            relations["fields"] = pks
        return errors

    @cached_property
    def staff(self) -> dict[str, int]:
        """Staff members by user name and by e-mail, in lower case (one query)."""
        found = {}
        users = get_user_model().objects.filter(is_staff=True)
        for pk, username, email in users.values_list("pk", "username", "email"):
            if email:
                found.setdefault(email.casefold(), pk)
            found[username.casefold()] = pk
        return found

    def current_parties(self, instances) -> dict[int, dict[int, AgreementParty]]:
        """Each agreement's parties by institution (one query)."""
        parties = defaultdict(dict)
        pks = [instance.pk for instance in instances if instance.pk]
        for party in AgreementParty.objects.filter(agreement__in=pks):
            parties[party.agreement_id][party.institution_id] = party
        return parties

    def validate_relations(self, instance):
        errors = {}
        relations = instance._import_relations
        signatories = relations.get(AgreementParty.Role.SIGNATORY)
        witnesses = relations.get(AgreementParty.Role.WITNESS)
        if signatories and witnesses and set(signatories) & set(witnesses):
            errors["Witnesses"] = [
                _("An institution cannot be both a party and a witness.")
            ]
        if signatories is None:
            roles = (
                AgreementParty.objects.filter(agreement=instance.pk).values_list(
                    "role", flat=True
                )
                if instance.pk
                else []
            )
        else:
            roles = [AgreementParty.Role.SIGNATORY] * len(signatories)
        error = instance.parties_error(roles)
        if error:
            errors["Parties"] = [error]
        return errors

    def relation_is_set(self, instance, name):
        if name == "fields":
            return instance.fields.exists()
        parties = AgreementParty.objects.filter(agreement=instance.pk)
        if name == AgreementParty.Role.WITNESS:
            return parties.filter(role=AgreementParty.Role.WITNESS).exists()
        return parties.exclude(role=AgreementParty.Role.WITNESS).exists()

    def relations_changed(self, instance):
        relations = instance._import_relations
        if not relations:
            return False
        current = self.current_parties([instance]).get(instance.pk, {})
        for role in (AgreementParty.Role.SIGNATORY, AgreementParty.Role.WITNESS):
            if role in relations:
                existing = [
                    pk
                    for pk, party in current.items()
                    if (party.role == AgreementParty.Role.WITNESS)
                    == (role == AgreementParty.Role.WITNESS)
                ]
                if sorted(existing) != sorted(relations[role]):
                    return True
        if "fields" in relations:
            existing = instance.fields.values_list("pk", flat=True)
            if sorted(existing) != sorted(relations["fields"]):
                return True
        return False

    def save_relations(self, instances):
        current = self.current_parties(instances)
        new_parties, changed, removed = [], [], []
        through = Agreement.fields.through
        field_links, field_unlinks = [], []
        for instance in instances:
            relations = instance._import_relations
            existing = current.get(instance.pk, {})
            for role in (AgreementParty.Role.SIGNATORY, AgreementParty.Role.WITNESS):
                if role not in relations:
                    continue
                is_witness = role == AgreementParty.Role.WITNESS
                wanted = relations[role]
                for pk, party in existing.items():
                    if (party.role == AgreementParty.Role.WITNESS) == is_witness:
                        if pk not in wanted:
                            removed.append(party.pk)
                for position, pk in enumerate(wanted):
                    party = existing.get(pk)
                    if party is None:
                        new_parties.append(
                            AgreementParty(
                                agreement_id=instance.pk,
                                institution_id=pk,
                                role=role,
                                position=position,
                            )
                        )
                    elif (party.role == AgreementParty.Role.WITNESS) != is_witness:
                        party.role = role
                        changed.append(party)
            if "fields" in relations:
                field_unlinks.append(instance.pk)
                field_links += [
                    through(agreement_id=instance.pk, fieldofeducation_id=pk)
                    for pk in relations["fields"]
                ]
        if removed:
            for party in AgreementParty.objects.filter(pk__in=removed):
                party.delete()
        if changed:
            AgreementParty.objects.bulk_update(changed, ["role"])
        if new_parties:
            AgreementParty.objects.bulk_create(new_parties)
        record_history(
            AgreementParty,
            [party.pk for party in changed],
            history_type="~",
            user=self.user,
            reason=self.change_reason(),
        )
        record_history(
            AgreementParty,
            [party.pk for party in new_parties],
            history_type="+",
            user=self.user,
            reason=self.change_reason(),
        )
        if field_unlinks and not self._meta.use_bulk:
            # Row by row (the admin): set() lets simple-history record it.
            for instance in instances:
                if "fields" in instance._import_relations:
                    instance.fields.set(instance._import_relations["fields"])
        elif field_unlinks:
            through.objects.filter(agreement_id__in=field_unlinks).delete()
            through.objects.bulk_create(field_links)
