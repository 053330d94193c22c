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
    "Institution",
    "Interest",
    "User",
]
