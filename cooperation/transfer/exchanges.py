"""Importing and exporting exchanges."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import languages
from ..models import AgreementParty, Exchange
from .base import RecordResource
from .cells import (
    AGREEMENT,
    FIELDS_OF_EDUCATION,
    INSTITUTION,
    INSTITUTIONS,
    Boolean,
    Choice,
    Country,
    Date,
    Integer,
    Related,
    cell_text,
    column,
    normalized,
    source_text,
    translated,
)
from .directory import ResolverMixin


class ExchangeResource(ResolverMixin, RecordResource):
    """Exchanges. The columns, as the import page describes them, are
    declared below (``column_help``); how rows are matched is
    ``matching_help``."""

    matching_help = gettext_lazy(
        "A row updates the exchange with its slug, else the one with the same "
        "title, host and start date; by default it fills the exchange's empty "
        "fields only (partners and fields of education too)."
    )

    required_headers = ("Title", "Kind", "Host", "Starts on")
    default_headers = {"kind": "Kind"}

    title = translated(
        "title",
        "Title",
        aliases=("exchange", "english title"),
        language_aliases={"zh-hans": ("中文标题",)},
    )
    kind = column("kind", "Kind", Choice(Exchange.Kind), aliases=("type", "类型"))
    summary = translated("summary", "Summary", multiline=True)
    description = translated("description", "Description", multiline=True)
    eligibility = translated("eligibility", "Eligibility", multiline=True)
    how_to_apply = translated("how_to_apply", "How to apply", multiline=True)
    contact_email = column(
        "contact_email", "Contact e-mail", aliases=("email", "e-mail", "contact")
    )
    external_url = column(
        "external_url", "External link", aliases=("url", "link", "website")
    )
    agreement = column(
        "agreement",
        "Agreement",
        Related(AGREEMENT),
        readonly=True,
        aliases=("agreement ref",),
    )
    host = column(
        "host",
        "Host",
        Related(INSTITUTION),
        readonly=True,
        aliases=("host institution", "organiser", "承办单位"),
    )
    partners = column(
        "partners",
        "Partners",
        Related(INSTITUTIONS),
        readonly=True,
        aliases=("partner institutions", "sending institutions"),
    )
    fields = column(
        "fields",
        "Fields of education",
        Related(FIELDS_OF_EDUCATION),
        readonly=True,
        aliases=("fields", "isced", "isced codes"),
    )
    starts_on = column(
        "starts_on", "Starts on", Date(), aliases=("start", "start date", "开始日期")
    )
    ends_on = column(
        "ends_on", "Ends on", Date(), aliases=("end", "end date", "结束日期")
    )
    application_deadline = column(
        "application_deadline",
        "Application deadline",
        Date(),
        aliases=("deadline", "报名截止日期"),
    )
    mode = column(
        "mode",
        "Mode",
        Choice(Exchange.Mode),
        help_text=gettext_lazy("default: on site"),
    )
    city = column("city", "City", aliases=("town", "城市"))
    country = column("country", "Country", Country(), aliases=("国家 地区",))
    places = column("places", "Places", Integer(), aliases=("places offered",))
    participants = column("participants", "Participants", Integer())
    outcomes = translated("outcomes", "Outcomes", multiline=True)
    cancelled = column("cancelled", "Cancelled", Boolean())
    published = column("published", "Published", Boolean())
    slug = column(
        "slug",
        "Slug",
        help_text=gettext_lazy(
            "as exported: a row with it updates that exchange (leave it blank "
            "for a new one)"
        ),
    )

    class Meta(RecordResource.Meta):
        model = Exchange

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("host", "agreement").prefetch_related(
            "partners", "fields"
        )

    def dehydrate_host(self, exchange):
        return source_text(exchange.host, "name")

    def dehydrate_partners(self, exchange):
        return "; ".join(source_text(p, "name") for p in exchange.partners.all())

    def dehydrate_fields(self, exchange):
        return "; ".join(field.code for field in exchange.fields.all())

    def dehydrate_agreement(self, exchange):
        agreement = exchange.agreement
        if agreement is None:
            return ""
        return agreement.reference or source_text(agreement, "title")

    def match_rows(self, rows):
        slugs, keys = {}, {}
        for pk, slug, title, host, starts_on in Exchange.objects.values_list(
            "pk",
            "slug",
            languages.column("title", languages.SOURCE),
            "host_id",
            "starts_on",
        ).iterator(10_000):
            slugs[slug] = pk
            keys[(normalized(title or ""), host, starts_on)] = pk
        seen = {}
        date = Date()
        for number, row in rows:
            slug = cell_text(row.get("Slug"))
            host, _problem = self.directory.find(cell_text(row.get("Host")))
            try:
                starts_on = date.clean(row.get("Starts on"))
            except ValueError:
                starts_on = None
            key = (normalized(cell_text(row.get("Title"))), host, starts_on)
            for seen_key, header in ((("slug", slug), "Slug"), (key, "Title")):
                if seen_key[1] and seen_key in seen:
                    self.add_error(
                        number,
                        header,
                        _(
                            "Line %(row)s of this file is the same exchange (same "
                            "%(what)s): remove one of the two lines."
                        )
                        % {
                            "row": seen[seen_key],
                            "what": _("slug")
                            if header == "Slug"
                            else _("title, host and start date"),
                        },
                    )
                seen.setdefault(seen_key, self.line(number))
            if slug in slugs:
                self.matches[number] = slugs[slug]
            elif key in keys:
                self.matches[number] = keys[key]

    def import_relations(self, instance, row):
        errors = {}
        relations = instance._import_relations
        if "Host" in row:
            text = cell_text(row["Host"])
            pk, problem = self.directory.find(text) if text else (None, "")
            if not text:
                problem = _("Give the host institution's identifier or name.")
            if problem:
                errors["Host"] = [problem]
            instance.host_id = pk
        if "Agreement" in row:
            text = cell_text(row["Agreement"])
            instance.agreement_id = None
            if text:
                pk, problem = self.find_agreement(text)
                if problem:
                    errors["Agreement"] = [problem]
                instance.agreement_id = pk
        if "Partners" in row:
            pks, problems = self.find_institutions(row["Partners"])
            if problems:
                errors["Partners"] = problems
            relations["partners"] = pks
        if "Fields of education" in row:
            pks, problems = self.find_fields(row["Fields of education"])
            if problems:
                errors["Fields of education"] = problems
            relations["fields"] = pks
        return errors

    def validate_relations(self, instance):
        relations = instance._import_relations
        if "partners" in relations:
            partners = relations["partners"] or []
        elif instance.pk:  # a row without the column keeps the partners
            partners = list(instance.partners.values_list("pk", flat=True))
        else:
            partners = []
        parties = None
        if instance.agreement_id:
            # Asked once an agreement per import (rows often share one).
            known = self.__dict__.setdefault("_agreement_parties", {})
            if instance.agreement_id not in known:
                known[instance.agreement_id] = set(
                    AgreementParty.objects.filter(
                        agreement_id=instance.agreement_id
                    ).values_list("institution_id", flat=True)
                )
            parties = known[instance.agreement_id]
        errors = Exchange.institution_errors(
            host_id=instance.host_id,
            partner_ids=partners,
            agreement_id=instance.agreement_id,
            agreement_parties=parties,
        )
        columns = {"partners": "Partners", "agreement": "Agreement"}
        return {columns[name]: [message] for name, message in errors.items()}

    def relation_is_set(self, instance, name):
        return getattr(instance, name).exists()  # partners, fields

    def relations_changed(self, instance):
        relations = instance._import_relations
        for name in ("partners", "fields"):
            if name in relations:
                existing = getattr(instance, name).values_list("pk", flat=True)
                if sorted(existing) != sorted(relations[name]):
                    return True
        return False

    def save_relations(self, instances):
        for name, column_name in (
            ("partners", "institution_id"),
            ("fields", "fieldofeducation_id"),
        ):
            through = getattr(Exchange, name).through
            given = [i for i in instances if name in i._import_relations]
            if not given:
                continue
            if not self._meta.use_bulk:
                # Row by row (the admin): set() lets simple-history record it.
                for instance in given:
                    getattr(instance, name).set(instance._import_relations[name])
                continue
            through.objects.filter(exchange_id__in=[i.pk for i in given]).delete()
            through.objects.bulk_create(
                [
                    through(exchange_id=instance.pk, **{column_name: pk})
                    for instance in given
                    for pk in instance._import_relations[name]
                ]
            )
