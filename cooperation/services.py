"""Writes that have side effects. Keyword-only arguments, ``<entity>_<verb>``."""

import dataclasses
import datetime
import json
import logging
import re
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.core.mail import mail_managers, send_mail
from django.db import transaction
from django.db.models import Count, ProtectedError, QuerySet, RestrictedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext

from . import languages
from .caching import public_data_changed
from .models import (
    Agreement,
    AgreementExchangeKind,
    AgreementParty,
    Exchange,
    Institution,
    Interest,
    User,
)
from .models.institution import IDENTIFIER_FIELDS, NAME_COLUMNS

logger = logging.getLogger(__name__)


def interest_rate_exceeded(*, email: str, client_address: str) -> bool:
    """Whether this e-mail address or client address has sent too many
    registrations recently (the window and limit are settings; queries)."""
    window = datetime.timedelta(minutes=settings.INTEREST_RATE_WINDOW_MINUTES)
    recent = Interest.objects.filter(
        email__iexact=email, created__gte=timezone.now() - window
    ).count()
    sent_from_address = cache.get(f"interest-rate:{client_address}", 0)
    return max(recent, sent_from_address) >= settings.INTEREST_RATE_LIMIT


def interest_register(
    *, exchange: Exchange, form, client_address: str
) -> Interest | None:
    """Save a visitor's interest and e-mail the exchange's contact. A form
    filled in by a bot (the honeypot) is accepted silently and nothing is kept."""
    key = f"interest-rate:{client_address}"
    cache.add(key, 0, timeout=settings.INTEREST_RATE_WINDOW_MINUTES * 60)
    cache.incr(key)
    if form.is_bot:
        return None
    with transaction.atomic():
        interest = form.save(commit=False)
        interest.exchange = exchange
        interest.save()
        transaction.on_commit(lambda: interest_notify(interest=interest))
    return interest


def interest_notify(*, interest: Interest) -> bool:
    """E-mail the exchange's contact (or the host's, or the site managers);
    whether it went out. A failure (the mail server unreachable, a refused
    address) fails no request: it is logged, without addresses or texts, and
    marked on the registration, for staff and for
    ``interest_notifications_retry`` (a query when the mark changes)."""
    exchange = interest.exchange
    recipient = exchange.contact_email or exchange.host.email
    admin_url = settings.SITE_URL + reverse(
        "admin:cooperation_interest_change", args=[interest.pk]
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            f"[{settings.SITE_NAME}] "
            + render_to_string(
                "cooperation/email/interest_subject.txt", {"exchange": exchange}
            ).strip()
        )
        body = render_to_string(
            "cooperation/email/interest_body.txt",
            {"interest": interest, "exchange": exchange, "admin_url": admin_url},
        )
    try:
        if recipient:
            send_mail(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient],
                fail_silently=False,
            )
        else:
            mail_managers(subject, body)
    except OSError as error:  # smtplib's errors, refused connections, timeouts
        # The exception's text may hold the addresses: only its type is logged.
        logger.error(
            "E-mailing interest registration %s to the organisers failed (%s); "
            "send_interest_notifications will try again.",
            interest.pk,
            type(error).__name__,
        )
        failed = True
    else:
        failed = False
    if failed != interest.notification_failed:
        # Not save(): the mark is no change of the registration's history.
        Interest.objects.filter(pk=interest.pk).update(notification_failed=failed)
        interest.notification_failed = failed
    return not failed


def interest_notifications_retry() -> tuple[int, int]:
    """E-mail again each registration whose notification failed (spam
    aside), oldest first; how many went out and how many failed again
    (queries)."""
    sent = failed = 0
    pending = (
        Interest.objects.filter(notification_failed=True)
        .exclude(status=Interest.Status.SPAM)
        .select_related("exchange__host")
        .order_by("created", "pk")
    )
    for interest in pending:
        if interest_notify(interest=interest):
            sent += 1
        else:
            failed += 1
    return sent, failed


def renewal_title(title: str, year: int) -> str:
    """``title`` as the title of its renewal starting in ``year``, in the
    active language: "MoU (renewal 2031)"; the renewal of a renewal says the
    new year only ("MoU (renewal 2031)" -> "MoU (renewal 2036)")."""
    template = gettext("%(title)s (renewal %(year)s)")
    pattern = re.escape(template % {"title": "\x00", "year": "\x01"})
    pattern = pattern.replace("\x00", "(?P<title>.+)").replace("\x01", r"\d{4}")
    earlier = re.fullmatch(pattern, title)
    if earlier:
        title = earlier.group("title")
    renewal = template % {"title": title, "year": year}
    limit = Agreement._meta.get_field("title").max_length
    assert limit is not None  # a CharField's
    if len(renewal) > limit:  # the words that say "renewal" are kept
        title = title[: len(title) - (len(renewal) - limit) - 1] + "…"
        renewal = template % {"title": title, "year": year}
    return renewal


def agreement_renew(*, agreement: Agreement) -> Agreement:
    """A new draft that renews ``agreement``: its texts, parties, fields and
    kinds of exchange copied, no dates; its title says it is the renewal
    starting the year after the old one ends (this year for an open-ended
    one), in each language the old title has, and can be edited (queries)."""
    starts = (
        agreement.expires_on + datetime.timedelta(days=1)
        if agreement.expires_on
        else timezone.localdate()
    )
    translated = {
        column: getattr(agreement, column)
        for name in ("title", "summary")
        for column in languages.columns(name)
    }
    for code in languages.CODES:
        field = languages.column("title", code)
        if translated[field]:
            with translation.override(code):
                translated[field] = renewal_title(translated[field], starts.year)
    with transaction.atomic():
        successor = Agreement.objects.create(
            **translated,
            kind=agreement.kind,
            responsible=agreement.responsible,
            renews_automatically=agreement.renews_automatically,
            notice_period_days=agreement.notice_period_days,
            status=Agreement.Status.DRAFT,
            predecessor=agreement,
            lineage=Agreement.Lineage.RENEWS,
        )
        successor.fields.set(agreement.fields.all())
        AgreementParty.objects.bulk_create(
            AgreementParty(
                agreement=successor,
                institution_id=party.institution_id,
                role=party.role,
                position=party.position,
            )
            for party in agreement.parties.all()
        )
        AgreementExchangeKind.objects.bulk_create(
            AgreementExchangeKind(
                agreement=successor,
                kind=covered.kind,
                places_per_year=covered.places_per_year,
            )
            for covered in agreement.exchange_kinds.all()
        )
    return successor


def interests_purge(*, older_than: datetime.datetime) -> int:
    """Delete interest registrations received before ``older_than``, with
    their change history (personal data is not kept). Returns how many."""
    with transaction.atomic():
        old = Interest.objects.filter(created__lt=older_than)
        ids = list(old.values_list("pk", flat=True))
        old.delete()
        # Including the history rows that the deletion itself just added.
        # simple_history.register() (translation.py) adds it at run time.
        Interest.history.filter(id__in=ids).delete()  # type: ignore[attr-defined]
    return len(ids)


# Change history in bulk ----------------------------------------------------

#: Records loaded, changed and given their history entries at a time: the
#: queries of a bulk change grow by a few per batch, not per record.
BULK_BATCH = 2000
#: The longest change reason a history entry keeps.
REASON_LENGTH = 100


def _untracked(model) -> list[str]:
    """The columns of ``model`` that its history does not keep (search
    documents and the other columns the database derives): the bulk writers
    leave them unloaded."""
    tracked = {field.attname for field in model.history.model.tracked_fields}
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname not in tracked
    ]


def history_record_bulk(
    model, records, *, user, reason: str, date, update: bool = True
) -> None:
    """One "changed" (``update``, else "added") entry in the history of each
    of ``records`` (saved ``model`` instances, as they now are in the
    database), by ``user``, with
    ``reason``: what saving each one would record, in a few queries a batch.
    simple-history's ``bulk_history_create`` writes the entries; the links
    of the many-to-many fields that the history keeps (an exchange's
    partners and fields) are copied with them as a save copies them, which
    it leaves out (the history page would otherwise show them removed)."""
    entries = model.history.bulk_history_create(
        records,
        update=update,
        default_user=user,
        default_change_reason=reason,
        default_date=date,
        batch_size=BULK_BATCH,
    )
    history_model = model.history.model
    for field in history_model._history_m2m_fields:
        m2m_history = getattr(history_model, field.name).model
        through = field.remote_field.through
        owner = through._meta.get_field(field.m2m_field_name()).attname
        columns = [column.attname for column in through._meta.concrete_fields]
        links: dict[Any, list[dict[str, Any]]] = {}
        for row in through.objects.filter(
            **{f"{owner}__in": [record.pk for record in records]}
        ).values(*columns):
            links.setdefault(row[owner], []).append(row)
        m2m_history.objects.bulk_create(
            [
                m2m_history(history_id=entry.history_id, **row)
                for entry in entries
                for row in links.get(entry.id, ())
            ],
            batch_size=BULK_BATCH,
        )


def records_publish(*, records: QuerySet, published: bool, user) -> int:
    """Publish (or, ``published`` false, unpublish) those of ``records`` not
    yet so, in bulk: one UPDATE and one history entry for each changed
    record (by ``user``, with the reason), none for a record already so. The
    public pages and figures are recomputed (``public_data_changed``).
    Returns how many changed; queries a few times per BULK_BATCH records."""
    model = records.model
    pks = list(
        records.filter(published=not published)
        .order_by()
        .values_list("pk", flat=True)
        .distinct()
    )
    reason = (
        gettext("Published in bulk") if published else gettext("Unpublished in bulk")
    )
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for start in range(0, len(pks), BULK_BATCH):
            # Locked, and asked again: another editor may have been first.
            batch = list(
                model._base_manager.select_for_update()
                .filter(pk__in=pks[start : start + BULK_BATCH], published=not published)
                .defer(*_untracked(model))
                .order_by("pk")
            )
            model._base_manager.filter(pk__in=[record.pk for record in batch]).update(
                published=published, updated=now
            )
            for record in batch:
                record.published, record.updated = published, now
            history_record_bulk(model, batch, user=user, reason=reason, date=now)
            changed += len(batch)
        if changed:
            public_data_changed()
    return changed


def change_reason(message: list) -> str:
    """The admin's change message (``construct_change_message``: "Changed
    Title and Host.") as a history entry's change reason, in the staff
    member's language, shortened to REASON_LENGTH characters."""
    text = LogEntry(change_message=json.dumps(message)).get_change_message()
    if len(text) > REASON_LENGTH:
        text = text[: REASON_LENGTH - 1] + "…"
    return text


def _reason(template: str, **values) -> str:
    """``template % values`` as a history entry's change reason, which keeps
    REASON_LENGTH characters: the longest names are shortened (with "…") so
    that the numbers stay."""
    text = template % values
    names = sorted(
        (key for key, value in values.items() if isinstance(value, str)),
        key=lambda key: -len(values[key]),
    )
    for key in names:
        excess = len(text) - REASON_LENGTH
        if excess <= 0:
            break
        values[key] = values[key][: max(len(values[key]) - excess - 1, 0)] + "…"
        text = template % values
    return text[:REASON_LENGTH]


# Merging institutions ------------------------------------------------------


class MergeRefused(Exception):
    """Why institutions cannot be merged; nothing was changed."""


#: The links to an institution that a merge moves, as (key, model, field).
MERGED_LINKS = (
    ("parties", AgreementParty, "institution"),
    ("hosted", Exchange, "host"),
    ("partnered", Exchange.partners.through, "institution"),
    ("units", Institution, "parent"),
    ("predecessors", Institution, "successor"),
    ("editors", User.institutions.through, "institution"),
)


@dataclasses.dataclass
class MergeResult:
    """What ``merge_institutions`` did."""

    target: Institution
    merged: list[str] = dataclasses.field(default_factory=list)
    """The merged (now deleted) records, as "name (#id)"."""
    moved: Counter = dataclasses.field(default_factory=Counter)
    """Links moved to the target, by MERGED_LINKS key."""
    dropped: Counter = dataclasses.field(default_factory=Counter)
    """Links dropped because the target already had them, by key."""
    identifiers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    """Identifiers moved to the target, as (field name, value)."""
    identifiers_left: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    """Identifiers not moved, the target having another: kept only in the
    merged record's history."""
    aliases: list[str] = dataclasses.field(default_factory=list)
    """Names added to the target's aliases."""


def merge_contents(institutions) -> dict[int, Counter]:
    """How many links of each kind of MERGED_LINKS point at each of
    ``institutions`` (what merging it would move), by primary key. One query
    a kind of link."""
    pks = [institution.pk for institution in institutions]
    contents: dict[int, Counter] = {pk: Counter() for pk in pks}
    for key, model, field in MERGED_LINKS:
        counts = (
            model._base_manager.filter(**{f"{field}__in": pks})
            .order_by()
            .values_list(field)
            .annotate(count=Count("pk"))
        )
        for pk, count in counts:
            contents[pk][key] = count
    return contents


def merge_institutions(target: Institution, duplicates, *, user) -> MergeResult:
    """Merge ``duplicates`` (institutions recorded twice) into ``target``,
    which stays who it is (its name, slug and other fields are kept), and
    delete them. From each duplicate in turn:

    - its links move to the target: agreement parties, exchanges hosted and
      as a partner, units, predecessors, the staff members tied to it. A link
      the target already has (a party to the same agreement, a partner of
      the same exchange, a partner of an exchange it now hosts) is dropped
      rather than doubled;
    - its identifiers move where the target has none; one that differs from
      the target's is not moved (the merged record's history keeps it);
    - its names in every language, official name, acronym and aliases become
      aliases of the target, unless it has them already (case and accents
      aside);
    - the history says so: "Merged X (#id) into this record" on the target,
      "Merged into T (#id)" as the merged record's last entry, and the merge
      on each exchange, party and institution whose link moved, all by
      ``user``.

    All or nothing, in one transaction. Raises MergeRefused, having changed
    nothing, when no duplicate is left besides the target, when one was
    deleted meanwhile, or when something that cannot be moved still
    protects one from deletion. Queries a few times per duplicate and once
    per dropped party."""
    pks = list(dict.fromkeys(d.pk for d in duplicates if d.pk != target.pk))
    if not pks:
        raise MergeRefused(
            gettext(
                "Choose at least one institution other than “%(target)s” to "
                "merge into it."
            )
            % {"target": target}
        )
    untracked = _untracked(Institution)
    with transaction.atomic():
        # Locked, so that nobody links to them meanwhile.
        found = set(
            Institution._base_manager.select_for_update()
            .filter(pk__in=[target.pk, *pks])
            .values_list("pk", flat=True)
        )
        missing = sorted({target.pk, *pks} - found)
        if missing:
            raise MergeRefused(
                gettext(
                    "Institution #%(id)s no longer exists (someone deleted it "
                    "meanwhile): select the institutions again."
                )
                % {"id": missing[0]}
            )
        target = Institution._base_manager.defer(*untracked).get(pk=target.pk)
        result = MergeResult(target=target)
        now = timezone.now()
        for pk in pks:
            # Loaded now: merging an earlier duplicate may have changed it.
            duplicate = Institution._base_manager.defer(*untracked).get(pk=pk)
            _merge_one(target, duplicate, user=user, now=now, result=result)
    return result


def _merge_one(target, duplicate, *, user, now, result: MergeResult) -> None:
    """``merge_institutions`` for one duplicate."""
    reason = _reason(
        gettext("Merged %(name)s (#%(id)s) into %(target)s (#%(target_id)s)"),
        name=duplicate.name,
        id=duplicate.pk,
        target=target.name,
        target_id=target.pk,
    )
    changes = {"user": user, "now": now, "reason": reason, "result": result}
    links = (target.parent_id, target.successor_id)
    _merge_parties(target, duplicate, **changes)
    _merge_exchanges(target, duplicate, **changes)
    _merge_units_and_predecessors(target, duplicate, **changes)
    _merge_editors(target, duplicate, result=result)
    changed = ["parent", "successor", "updated"]
    if (target.parent_id, target.successor_id) != links:
        # Before the deletion, which these links would otherwise protect.
        Institution._base_manager.filter(pk=target.pk).update(
            parent_id=target.parent_id, successor_id=target.successor_id
        )
    for name in IDENTIFIER_FIELDS:
        value, own = getattr(duplicate, name), getattr(target, name)
        if value and not own:
            setattr(target, name, value)  # saved once the duplicate is gone
            changed.append(name)
            result.identifiers.append((name, value))
        elif value and own != value:
            result.identifiers_left.append((name, value))
    aliases = _new_aliases(target, duplicate)
    if aliases:
        target.aliases = "\n".join([*target.aliases.strip().splitlines(), *aliases])
        changed.append("aliases")
        result.aliases += aliases

    merged = _reason(
        gettext("Merged %(name)s (#%(id)s) into this record"),
        name=duplicate.name,
        id=duplicate.pk,
    )
    result.merged.append(f"{duplicate} (#{duplicate.pk})")
    duplicate._history_user = user
    duplicate._change_reason = _reason(
        gettext("Merged into %(target)s (#%(target_id)s)"),
        target=target.name,
        target_id=target.pk,
    )
    try:
        duplicate.delete()
    except (ProtectedError, RestrictedError) as error:
        blocking = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        raise MergeRefused(
            gettext(
                "“%(name)s” cannot be merged: %(records)s still refer to it and "
                "cannot be moved. Nothing was changed."
            )
            % {
                "name": duplicate,
                "records": get_text_list(
                    [f"“{record}”" for record in list(blocking)[:5]],
                    gettext("and"),
                ),
            }
        ) from error
    target._history_user, target._change_reason = user, merged
    target.save(update_fields=changed)


def _merge_parties(target, duplicate, *, user, now, reason, result) -> None:
    """The duplicate's agreement parties become the target's; where the
    target is a party to the same agreement already, the duplicate's entry
    is deleted (each with its history entry)."""
    parties = list(AgreementParty.objects.filter(institution=duplicate))
    shared = set(
        AgreementParty.objects.filter(
            institution=target, agreement__in=[p.agreement_id for p in parties]
        ).values_list("agreement_id", flat=True)
    )
    moved = [party for party in parties if party.agreement_id not in shared]
    for party in parties:
        if party.agreement_id in shared:
            # What simple-history records with the deletion (its own names).
            party._history_user, party._change_reason = user, reason  # type: ignore[attr-defined]
            party.delete()
    AgreementParty.objects.filter(pk__in=[party.pk for party in moved]).update(
        institution=target
    )
    for party in moved:
        party.institution = target
    history_record_bulk(AgreementParty, moved, user=user, reason=reason, date=now)
    result.moved["parties"] += len(moved)
    result.dropped["parties"] += len(parties) - len(moved)


def _merge_exchanges(target, duplicate, *, user, now, reason, result) -> None:
    """The exchanges the duplicate hosts get the target as host (which then
    stops being a partner of them: the host is not also a partner); it
    becomes a partner where the duplicate was one, unless it is a partner or
    the host already. The partner links are added and deleted, not updated,
    so that the database triggers keep the exchanges' search documents."""
    partners = Exchange.partners.through
    hosted = list(
        Exchange._base_manager.filter(host=duplicate).values_list("pk", flat=True)
    )
    dropped, _ = partners.objects.filter(
        exchange__in=hosted, institution=target
    ).delete()
    Exchange._base_manager.filter(pk__in=hosted).update(host=target)
    partnered = list(
        partners.objects.filter(institution=duplicate).values_list(
            "exchange_id", flat=True
        )
    )
    taken = set(
        partners.objects.filter(exchange__in=partnered, institution=target).values_list(
            "exchange_id", flat=True
        )
    ) | set(
        Exchange._base_manager.filter(pk__in=partnered, host=target).values_list(
            "pk", flat=True
        )
    )
    added = partners.objects.bulk_create(
        partners(exchange_id=pk, institution=target)
        for pk in partnered
        if pk not in taken
    )
    partners.objects.filter(institution=duplicate).delete()
    changed = {*hosted, *partnered}
    Exchange._base_manager.filter(pk__in=changed).update(updated=now)
    exchanges = list(
        Exchange._base_manager.filter(pk__in=changed).defer(*_untracked(Exchange))
    )
    history_record_bulk(Exchange, exchanges, user=user, reason=reason, date=now)
    result.moved["hosted"] += len(hosted)
    result.moved["partnered"] += len(added)
    result.dropped["partnered"] += dropped + len(partnered) - len(added)


def _merge_units_and_predecessors(
    target, duplicate, *, user, now, reason, result
) -> None:
    """The duplicate's units and predecessors become the target's (the
    target itself aside, changed in memory and saved by the caller). A unit
    that is above the target (or the target itself) takes the duplicate's
    own parent instead, as no institution may be above itself; the target
    takes over the duplicate's successor likewise."""
    untracked = _untracked(Institution)
    units = list(
        Institution._base_manager.filter(parent=duplicate)
        .exclude(pk=target.pk)
        .defer(*untracked)
    )
    above = _above(target) if units or target.parent_id == duplicate.pk else ()
    for unit in units:
        parent = duplicate.parent_id if unit.pk in above else target.pk
        unit.parent_id = None if parent == unit.pk else parent
    if target.parent_id == duplicate.pk:
        parent = duplicate.parent_id
        target.parent_id = None if parent == target.pk else parent
    changed = {unit.pk: unit for unit in units}
    for predecessor in (
        Institution._base_manager.filter(successor=duplicate)
        .exclude(pk=target.pk)
        .defer(*untracked)
    ):
        predecessor = changed.setdefault(predecessor.pk, predecessor)
        predecessor.successor_id = target.pk
        result.moved["predecessors"] += 1
    if target.successor_id == duplicate.pk:
        successor = duplicate.successor_id
        target.successor_id = None if successor == target.pk else successor
    for institution in changed.values():
        institution.updated = now
    Institution._base_manager.bulk_update(
        changed.values(), ["parent", "successor", "updated"], batch_size=BULK_BATCH
    )
    history_record_bulk(
        Institution, list(changed.values()), user=user, reason=reason, date=now
    )
    result.moved["units"] += len(units)


def _above(institution) -> list[int]:
    """``institution``'s primary key and those of its parent, its parent's
    parent and so on (one query a level)."""
    chain, parent = [institution.pk], institution.parent_id
    while parent and parent not in chain:
        chain.append(parent)
        parent = (
            Institution._base_manager.filter(pk=parent)
            .values_list("parent_id", flat=True)
            .first()
        )
    return chain


def _merge_editors(target, duplicate, *, result) -> None:
    """Staff members tied to the duplicate (permissions.py) are tied to the
    target instead."""
    tied = User.institutions.through
    users = set(
        tied.objects.filter(institution=duplicate).values_list("user_id", flat=True)
    )
    already = set(
        tied.objects.filter(institution=target, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    tied.objects.bulk_create(
        tied(user_id=user, institution=target) for user in users - already
    )
    tied.objects.filter(institution=duplicate).delete()
    result.moved["editors"] += len(users - already)
    result.dropped["editors"] += len(already)


def institution_names(institution) -> list[str]:
    """Every name of ``institution``: in each language, official name,
    acronym and aliases (one a line), as a merge makes them aliases."""
    names = [getattr(institution, column) for column in NAME_COLUMNS]
    names.append(institution.acronym)
    names += institution.aliases.splitlines()
    return [name.strip() for name in names if name and name.strip()]


def _new_aliases(target, duplicate) -> list[str]:
    """The names of ``duplicate`` that ``target`` does not have yet, once
    each, compared as likely duplicates compare names (``name_keys_of``)."""
    ours, theirs = institution_names(target), institution_names(duplicate)
    key = Institution.objects.name_keys_of(ours + theirs)
    known = {key[name] for name in ours}
    aliases = []
    for name in theirs:
        if key[name] not in known:
            known.add(key[name])
            aliases.append(name)
    return aliases
