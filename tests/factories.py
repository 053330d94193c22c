"""Test data helpers: each makes a valid record; keyword arguments override."""

import datetime
import itertools

from django.contrib.auth.models import Group

from cooperation.models import (
    Agreement,
    AgreementParty,
    Exchange,
    FieldOfEducation,
    Institution,
    User,
)

_numbers = itertools.count(1)


def make_user(username: str, *, group: Group | None = None, **fields) -> User:
    fields = {"is_staff": True, "email": f"{username}@example.org", **fields}
    user = User.objects.create_user(username, password="pw", **fields)
    if group:
        user.groups.add(group)
    return user


def make_institution(**fields) -> Institution:
    number = next(_numbers)
    defaults = {
        "name": f"Institution {number}",
        "kind": Institution.Kind.UNIVERSITY,
        "country": "BE",
        "city": "Antwerp",
        "published": True,
    }
    return Institution.objects.create(**{**defaults, **fields})


def make_agreement(*, parties=(), **fields) -> Agreement:
    number = next(_numbers)
    defaults = {
        "title": f"Agreement {number}",
        "kind": Agreement.Kind.MOU,
        "status": Agreement.Status.SIGNED,
        "signed_on": datetime.date(2026, 1, 10),
        "valid_from": datetime.date(2026, 2, 1),
        "expires_on": datetime.date(2030, 1, 31),
        "published": True,
    }
    agreement = Agreement.objects.create(**{**defaults, **fields})
    for institution in parties:
        AgreementParty.objects.create(agreement=agreement, institution=institution)
    return agreement


def make_exchange(*, partners=(), fields_of_education=(), **fields) -> Exchange:
    number = next(_numbers)
    defaults = {
        "title": f"Exchange {number}",
        "kind": Exchange.Kind.STUDENT_EXCHANGE,
        "starts_on": datetime.date(2027, 3, 1),
        "ends_on": datetime.date(2027, 3, 31),
        "published": True,
    }
    if "host" not in fields:
        defaults["host"] = make_institution()
    exchange = Exchange.objects.create(**{**defaults, **fields})
    exchange.partners.set(partners)
    exchange.fields.set(fields_of_education)
    return exchange


def field(code: str) -> FieldOfEducation:
    """A field of education from the ISCED-F list the migration loads."""
    return FieldOfEducation.objects.get(code=code)


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
