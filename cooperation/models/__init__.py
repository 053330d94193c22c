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
