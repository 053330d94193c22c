"""Schemathesis against the running test server (issue 12 §3): the API's own
OpenAPI description, read from /api/v1/schema/ of pytest-django's live
server, drives generated requests to every operation; every answer must be
no server error and exactly what the description says (status code, content
type, headers, body)."""

import datetime

import hypothesis
import pytest
import requests
import schemathesis
from django.test import Client, override_settings
from django.urls import reverse
from schemathesis import checks

from cooperation.models import FieldOfEducation
from tests.factories import (
    make_agreement,
    make_exchange,
    make_institution,
)

# Enough examples that every parameter meets odd values, few enough for CI:
# about 9 operations x (examples + coverage cases) in well under a minute.
EXAMPLES = 25
# The countries of the published world's institutions.
WORLD_COUNTRIES = {"BE", "CN"}


@pytest.fixture
def published_world(transactional_db, settings):
    """A small published world, committed so that the live server's own
    connection sees it, with a hidden record of each kind beside it."""
    settings.API_RATE = None  # no limit: hundreds of requests from one address
    ap = make_institution(name_en="AP University of Applied Sciences and Arts Antwerp")
    shcm = make_institution(
        name_en="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        country="CN",
        kind="conservatory",
    )
    hidden = make_institution(name_en="HIDDEN institution", published=False)
    make_institution(name_en="AP music centre", parent=ap)
    mou = make_agreement(title_en="Memorandum on musical talent", parties=[ap, shcm])
    make_agreement(
        title_en="HIDDEN draft agreement",
        status="draft",
        signed_on=None,
        valid_from=None,
        parties=[ap, hidden],
    )
    make_exchange(
        title_en="Composition teachers in Shanghai",
        host=shcm,
        partners=[ap, hidden],
        agreement=mou,
        fields_of_education=list(FieldOfEducation.objects.filter(code="0215")),
        starts_on=datetime.date(2027, 9, 1),
        ends_on=datetime.date(2027, 9, 14),
    )
    make_exchange(title_en="Orchestra tour", host=ap, kind="performance")
    make_exchange(title_en="HIDDEN exchange", host=ap, published=False)


# Two parameters are valid by their form but accepted only for values the
# server knows: a cursor is signed by the server (only its own next and
# previous links pass), and a country must have public institutions (the
# description says so; its 400 is documented). schemathesis's
# positive_data_acceptance would call each such 400 a defect, so it gives
# way to this check, which still fails on any other 400 of a valid request.
DATA_DEPENDENT = {"cursor", "country"}


def refuses_valid_data_only_for_what_data_decides(ctx, response, case):
    """A request the description calls valid is answered, unless it is
    refused only for a cursor the server did not sign or for a country
    without public institutions."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code != 400:
        return None
    body = response.json()
    for error in body["errors"]:
        assert error["parameter"] in DATA_DEPENDENT, (
            f"A valid value of {error['parameter']} ({error['value']!r}) was "
            f"refused: {error['message']} Make the API accept it, or the "
            "description say why not."
        )
        if error["parameter"] == "country":
            assert error["value"] not in WORLD_COUNTRIES, (
                f"country={error['value']} has public institutions and was "
                f"refused: {error['message']}"
            )
    return True


def shows_nothing_hidden(ctx, response, case):
    """No answer names a record the public may not see."""
    assert "HIDDEN" not in response.text, (
        f"{case.operation.label} with {case.query} shows a hidden record."
    )
    return True


def served_schema() -> dict:
    """The description as /api/v1/schema/ serves it (it depends on the code
    only, so it is read once, when the tests are collected: before pytest-django
    has set up the test environment and its allowed hosts)."""
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        return Client().get(reverse("api-schema")).json()


# Read at collection, so that pytest shows each operation as a test of its
# own; test_live_server_serves_the_fuzzed_schema checks that the running
# server serves this very description. (schemathesis.pytest.from_fixture
# would read it from the live server itself, but schemathesis 4.32 renames
# the test through a node attribute pytest 9.2 no longer has.)
schema = schemathesis.openapi.from_dict(served_schema())


def test_live_server_serves_the_fuzzed_schema(live_server):
    answer = requests.get(live_server.url + reverse("api-schema"), timeout=10)
    assert answer.status_code == 200
    assert answer.json() == schema.raw_schema


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, live_server, published_world):
    """Every check schemathesis has (positive_data_acceptance replaced by a
    stricter one, above), and that nothing hidden shows."""
    case.call_and_validate(
        base_url=live_server.url,
        excluded_checks=[checks.positive_data_acceptance],
        additional_checks=[
            refuses_valid_data_only_for_what_data_decides,
            shows_nothing_hidden,
        ],
    )


PATH_PARAMETERS = {
    "/api/v1/exchanges/{slug}/": {"slug": "composition-teachers-in-shanghai"},
    "/api/v1/institutions/{slug}/": {"slug": "shanghai-conservatory-of-music"},
    "/api/v1/agreements/{slug}/": {"slug": "memorandum-on-musical-talent"},
    "/api/v1/fields/{code}/": {"code": "0215"},
}


@pytest.mark.parametrize("path", sorted(schema.raw_schema["paths"]))
def test_accept_without_json_is_a_documented_406(path, live_server, published_world):
    """schemathesis sends no Accept header of its own: a client that asks
    for something else than JSON gets the 406 the description documents."""
    case = schema[path]["GET"].Case(
        path_parameters=PATH_PARAMETERS.get(path, {}),
        headers={"Accept": "text/csv"},
    )
    response = case.call_and_validate(base_url=live_server.url)
    assert response.status_code == 406


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "off", "yes", "-58800"])
def test_open_other_than_true_or_false_is_refused(client, value):
    """Found by test_every_operation_answers_as_its_schema_says: the
    catalog's checkbox takes any value as checked, the description says open
    is a boolean."""
    response = client.get(reverse("api-exchange-list"), {"open": value})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["parameter"] == "open"
    assert error["value"] == value
    assert error["fix"] == "Use one of: true, false; or leave open out."


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["true", "false", ""])
def test_open_true_false_or_empty_is_accepted(client, value):
    response = client.get(reverse("api-exchange-list"), {"open": value})
    assert response.status_code == 200
