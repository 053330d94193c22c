"""The interim home page (until the public catalog exists)."""

import pytest
from django.urls import reverse

from tests.factories import make_exchange, make_institution

pytestmark = pytest.mark.django_db


def test_root_redirects_to_the_visitors_language(client):
    response = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 302
    assert response.url == "/zh-hans/"


def test_home_lists_published_exchanges_only(client):
    make_exchange(title="Teacher exchange in Antwerp")
    make_exchange(title="Draft exchange", published=False)
    make_exchange(title="Hidden host", host=make_institution(published=False))
    page = client.get(reverse("home")).text
    assert "Teacher exchange in Antwerp" in page
    assert "Draft exchange" not in page
    assert "Hidden host" not in page
    assert reverse("admin:index") in page


def test_home_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    make_exchange()
    with django_assert_num_queries(1):
        client.get(reverse("home"))
    for _ in range(10):
        make_exchange()
    with django_assert_num_queries(1):
        client.get(reverse("home"))
