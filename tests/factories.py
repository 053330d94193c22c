"""Test data helpers: each makes a valid record; keyword arguments override."""

import datetime
import io
import itertools

from django.contrib.auth.models import Group
from pypdf import PdfWriter

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


def pdf_bytes(writer: PdfWriter | None = None) -> bytes:
    """A PDF as pypdf writes it (one blank A4 page unless ``writer`` is
    given): documents are checked by parsing them."""
    if writer is None:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()
