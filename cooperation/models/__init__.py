"""The records and their querysets, one module per record type, on the
shared bases in ``base`` (``Entry``, ``Record``). Each rule about a record
lives on its model and is called from the admin, the import, the API and
the demo seeder alike: the host is not a partner
(``Exchange.institution_errors``), an agreement has at least two parties
(``Agreement.parties_error``), the "soon" windows
(``Agreement.EXPIRES_SOON_DAYS``, ``Exchange.STARTS_SOON_DAYS``), slugs
(``Entry.slug_candidates``) and what the public may see (``public()``)."""

from .agreement import (
    Agreement,
    AgreementDocument,
    AgreementExchangeKind,
    AgreementParty,
    AgreementReminder,
)
from .exchange import Exchange
from .exchange_kind import ExchangeKind
from .field import FieldOfEducation
from .import_mapping import ImportMapping
from .institution import Institution
from .interest import Interest
from .user import User

__all__ = [
    "Agreement",
    "AgreementDocument",
    "AgreementExchangeKind",
    "AgreementParty",
    "AgreementReminder",
    "Exchange",
    "ExchangeKind",
    "FieldOfEducation",
    "ImportMapping",
    "Institution",
    "Interest",
    "User",
]
