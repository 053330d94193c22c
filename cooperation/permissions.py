"""Who may see or change what: the one place that answers "may this user
see/change this record" (the admin, the dashboard, the public views that
show staff-only documents and the expiry reminders all ask here).

Staff roles come from Django's permissions (the Editors and Viewers groups,
superusers); on top of them, per-institution editors narrow what a staff
member works on.

Per-institution editors
-----------------------

A user's ``institutions`` (set in the user admin) narrow what they work on.
A user tied to none, and every superuser, is unrestricted. For the others:

- **Their institutions** are the ones they are tied to plus all the units
  under them (faculties, centres, workshops: ``parent``, at any depth).
- **A record involves them** when it is, or is linked to, one of their
  institutions:

  ============================ ===============================================
  institution                  one of their institutions
  agreement                    one of its parties is one of their institutions
  exchange                     its host or a partner is one of their
                               institutions, or its agreement involves them
  interest registration        its exchange involves them
  agreement document           its agreement involves them
  ============================ ===============================================

  Other record types (fields of education, users, groups) are not narrowed.
- **They see and edit only the records that involve them.** Lists, change,
  delete and history pages, and actions on selected rows all start from
  ``scope_for()``; a record outside it is a 404, whatever the URL says.
- **They may link to what the public sees.** An editor needs partners that
  are not their own: as host, partner, party, parent or earlier agreement
  they may pick any of their institutions and agreements plus any published
  institution and public agreement (``choices_for()``), and never discover an
  unpublished one through the autocomplete. Links a record already has stay
  selectable, so that editing it never drops one.
- **A save may not leave their scope.** An agreement must keep one of their
  institutions among its parties; an exchange its host, a partner or its
  agreement; a new institution must be a unit of theirs (``would_involve()``).
  Otherwise the form says so and nothing is saved; ask an unrestricted
  editor to make records for other institutions.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Exchange,
    Institution,
    Interest,
    User,
)

#: The group whose members change every record (made by migration 0003);
#: they hear of expiring agreements that have no responsible staff member.
EDITORS = "Editors"

# The record types narrowed to a user's institutions.
NARROWED_MODELS = (Institution, Agreement, Exchange, Interest, AgreementDocument)
# The record types that the public may see and an editor may link to
# (an agreement's parties, an exchange's host and partners, ...).
LINKABLE_WHEN_PUBLIC = (Institution, Agreement)


@dataclass(frozen=True)
class Scope:
    own: frozenset[int]
    """The institutions the user is tied to."""
    all: frozenset[int]
    """Those and every unit under them."""


def scope_of(user) -> Scope | None:
    """The user's institutions, or None when the user is unrestricted.
    Queries once per level of units, then is kept on the user object (which
    lives for one request), as Django keeps permissions."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    if not hasattr(user, "_institution_scope"):
        user._institution_scope = _load_scope(user)
    return user._institution_scope


def _load_scope(user) -> Scope | None:
    own: frozenset[int] = frozenset(user.institutions.values_list("pk", flat=True))
    if not own:
        return None
    found: set[int] = set(own)
    level: frozenset[int] | set[int] = own
    while level:
        level = (
            set(
                Institution._base_manager.filter(parent__in=level).values_list(
                    "pk", flat=True
                )
            )
            - found
        )
        found |= level
    return Scope(own=own, all=frozenset(found))


def is_scoped(user) -> bool:
    """Whether the user is narrowed to some institutions (queries once)."""
    return scope_of(user) is not None


def _involving(model: type[Model], scope: Scope) -> Q | None:
    """The condition for a ``model`` record to involve ``scope``, or None for
    record types that are not narrowed."""
    ids = sorted(scope.all)
    if model is Institution:
        return Q(pk__in=ids)
    if model is Agreement:
        return Q(
            pk__in=AgreementParty.objects.filter(institution__in=ids).values(
                "agreement"
            )
        )
    if model is Exchange:
        partnered = Exchange.partners.through.objects.filter(institution__in=ids)
        return (
            Q(host__in=ids)
            | Q(pk__in=partnered.values("exchange"))
            | Q(agreement__in=_involved(Agreement, scope))
        )
    if model is Interest:
        return Q(exchange__in=_involved(Exchange, scope))
    if model is AgreementDocument:
        return Q(agreement__in=_involved(Agreement, scope))
    return None


def _involved(model: type[Model], scope: Scope) -> QuerySet:
    return model._base_manager.filter(_involving(model, scope)).values("pk")


def scope_for(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to the records that involve the user's
    institutions; unchanged for an unrestricted user or a record type that
    is not narrowed. Lazy (one subquery per link)."""
    scope = scope_of(user)
    condition = _involving(queryset.model, scope) if scope else None
    return queryset if condition is None else queryset.filter(condition)


def choices_for(user, queryset: QuerySet, *, current: Iterable = ()) -> QuerySet:
    """``queryset`` narrowed to the records the user may link a record to:
    those involving them, any public institution or agreement, and
    ``current`` (the primary keys of the records already linked). Lazy."""
    scope = scope_of(user)
    condition = _involving(queryset.model, scope) if scope else None
    if condition is None:
        return queryset
    if queryset.model in LINKABLE_WHEN_PUBLIC:
        condition |= Q(pk__in=queryset.model.objects.public().values("pk"))
    current = [pk for pk in current if pk is not None]
    if current:
        condition |= Q(pk__in=current)
    return queryset.filter(condition)


def involves(user, record: Model) -> bool:
    """Whether a saved ``record`` involves the user's institutions (one
    query, none for an institution or an unrestricted user)."""
    scope = scope_of(user)
    if scope is None or record.pk is None:
        return scope is None
    if isinstance(record, Institution):
        return record.pk in scope.all
    return scope_for(user, type(record)._base_manager.filter(pk=record.pk)).exists()


def would_involve(
    user, record: Model, *, institutions: Iterable[Institution] | None = None
) -> bool:
    """Whether ``record`` as it is about to be saved (its foreign keys set,
    perhaps not saved yet) involves the user's institutions. ``institutions``
    are its links as about to be saved: an exchange's partners, an
    agreement's parties; None means as stored. Queries when the answer
    depends on stored links or a linked agreement or exchange."""
    scope = scope_of(user)
    if scope is None:
        return True
    if isinstance(record, Institution):
        return record.pk in scope.own or record.parent_id in scope.all
    if isinstance(record, Agreement) and institutions is None:
        return involves(user, record)
    linked = {institution.pk for institution in institutions or ()}
    if isinstance(record, Agreement):
        return bool(linked & scope.all)
    if isinstance(record, Exchange):
        if institutions is None and record.pk:
            linked = set(record.partners.values_list("pk", flat=True))
        return bool(({record.host_id} | linked) & scope.all) or _involves_pk(
            Agreement, scope, record.agreement_id
        )
    if isinstance(record, Interest):
        return _involves_pk(Exchange, scope, record.exchange_id)
    if isinstance(record, AgreementDocument):
        return _involves_pk(Agreement, scope, record.agreement_id)
    return True


def _involves_pk(model: type[Model], scope: Scope, pk: int | None) -> bool:
    return pk is not None and _involved(model, scope).filter(pk=pk).exists()


def refusal(user, model: type[Model]) -> str:
    """Why a save that would leave the user's scope is refused, naming their
    institutions (one query)."""
    scope = scope_of(user)
    names = Institution._base_manager.filter(
        pk__in=sorted(scope.own) if scope else []
    ).values_list("name", flat=True)
    reasons = {
        Institution: _(
            "Choose one of your institutions as the parent institution: you "
            "can add and edit only your institutions and their units."
        ),
        Agreement: _("Keep one of your institutions among the parties."),
        Exchange: _(
            "Keep one of your institutions as host or partner, or choose an "
            "agreement that one of them is a party to."
        ),
        Interest: _("Choose an exchange of one of your institutions."),
        AgreementDocument: _("Choose an agreement of one of your institutions."),
    }
    intro = _("You edit only the records that involve your institutions (%(names)s).")
    return f"{intro % {'names': ', '.join(names)}} {reasons.get(model, '')}".strip()


# Whole records: roles and scope together --------------------------------------


def may_view(user, record: Model) -> bool:
    """Whether ``user`` may open ``record`` in the admin: an active staff
    member with the view or change permission for its type, and the record
    involves their institutions. Queries (permissions once per user object,
    then one for a narrowed record)."""
    if not (user.is_active and user.is_staff):
        return False
    opts = record._meta
    if not (
        user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    ):
        return False
    return involves(user, record)


def reminder_editors() -> list[User]:
    """The active Editors with an e-mail address, loaded once so that a run
    over many agreements asks each one's permissions and scope once (one
    query)."""
    return list(
        User.objects.filter(groups__name=EDITORS, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def reminder_recipients(
    agreement: Agreement, *, editors: Iterable[User] | None = None
) -> list[str]:
    """The addresses an agreement's expiry reminder goes to: its responsible
    staff member, or else the active Editors; either way only users who may
    open the agreement (the e-mail gives its title and admin link). An editor
    tied to other institutions is left out. ``editors`` as loaded by
    ``reminder_editors()`` (loaded here when not given). Queries."""
    responsible = agreement.responsible
    if responsible and responsible.email and may_view(responsible, agreement):
        return [responsible.email]
    if editors is None:
        editors = reminder_editors()
    return sorted({user.email for user in editors if may_view(user, agreement)})
