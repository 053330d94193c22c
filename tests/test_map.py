"""The map: its markers as cached GeoJSON, and its page, whose text (a count
of institutions per country linking to the directory) does not grow with
the number of institutions."""

import gzip
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from tests.factories import make_institution

pytestmark = pytest.mark.django_db


def url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


def features(client, language: str = "en") -> list[dict]:
    response = client.get(url("institution-map-geojson", language))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


@pytest.fixture
def located():
    """Two public institutions on the map and two that are not on it."""
    shcm = make_institution(
        name_en="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        country="CN",
        city="Shanghai",
        latitude=31.2096,
        longitude=121.4461,
    )
    ap = make_institution(
        name_en="AP University of Applied Sciences and Arts Antwerp",
        city="Antwerp",
        latitude=51.2194,
        longitude=4.4025,
    )
    make_institution(name_en="Nowhere College", country="NL", city="Delft")
    make_institution(
        name_en="Hidden Institute of Secrets",
        latitude=50.85,
        longitude=4.35,
        published=False,
    )
    return {"shcm": shcm, "ap": ap}


def test_geojson_has_the_public_located_institutions_only(client, located):
    found = features(client)
    assert [feature["properties"]["name"] for feature in found] == [
        "Shanghai Conservatory of Music",
        "AP University of Applied Sciences and Arts Antwerp",
    ]
    assert found[1] == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [4.4025, 51.2194]},
        "properties": {
            "name": "AP University of Applied Sciences and Arts Antwerp",
            "url": located["ap"].get_absolute_url(),
            "place": "Antwerp, Belgium",
        },
    }


def test_geojson_follows_the_language_of_its_address(client, located):
    found = features(client, "zh-hans")[0]["properties"]
    assert found["name"] == "上海音乐学院"
    assert found["url"] == f"/zh-hans/institutions/{located['shcm'].slug}/"
    assert found["place"] == "Shanghai, 中国"
    # A name not translated falls back to English.
    assert features(client, "fr")[0]["properties"]["name"] == (
        "Shanghai Conservatory of Music"
    )


def test_geojson_is_served_from_the_cache(client, located, django_assert_num_queries):
    address = url("institution-map-geojson")
    with django_assert_num_queries(1):
        first = client.get(address)
    with django_assert_num_queries(0):
        second = client.get(address)
    assert second.content == first.content
    # Browsers keep it, but ask whether it changed before using it again.
    assert set(second["Cache-Control"].split(", ")) == {"public", "no-cache"}


def test_geojson_cache_is_per_language(client, located):
    assert features(client, "en")[0]["properties"]["name"] == (
        "Shanghai Conservatory of Music"
    )
    assert features(client, "zh-hans")[0]["properties"]["name"] == "上海音乐学院"


def test_geojson_is_sent_compressed_to_who_accepts_it(client, located):
    address = url("institution-map-geojson")
    plain = client.get(address)
    compressed = client.get(address, headers={"accept-encoding": "gzip, br"})
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert plain["Vary"] == compressed["Vary"] == "Accept-Encoding"
    assert plain["ETag"] == compressed["ETag"]


def test_changes_to_institutions_show_at_once(
    client, located, django_capture_on_commit_callbacks
):
    assert len(features(client)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        located["ap"].name_en = "AP Hogeschool"
        located["ap"].save()
    assert [f["properties"]["name"] for f in features(client)][1] == "AP Hogeschool"
    with django_capture_on_commit_callbacks(execute=True):
        located["ap"].published = False
        located["ap"].save()
    assert len(features(client)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_institution(latitude=10, longitude=10)
    assert len(features(client)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        located["shcm"].delete()
    assert len(features(client)) == 1


def test_current_copy_is_not_sent_again(
    client, located, django_assert_num_queries, django_capture_on_commit_callbacks
):
    address = url("institution-map-geojson")
    etag = client.get(address)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(address, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        located["ap"].name_en = "AP Hogeschool"
        located["ap"].save()
    response = client.get(address, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_geojson_of_an_empty_registry(client):
    assert features(client) == []


# The page ---------------------------------------------------------------------


def test_page_counts_public_institutions_by_country(client, located):
    page = client.get(url("institution-map")).text
    rows = re.findall(
        r'<tr><th scope="row"><a href="([^"]+)">([^<]+)</a></th>'
        r'<td class="text-end">(\d+)</td></tr>',
        page,
    )
    assert rows == [
        ("/en/institutions/?country=BE", "Belgium", "1"),
        ("/en/institutions/?country=CN", "China", "1"),
        ("/en/institutions/?country=NL", "Netherlands", "1"),
    ]
    assert 'href="/en/institutions/">directory of institutions</a>' in page


def test_page_names_countries_in_its_language(client, located):
    page = client.get(url("institution-map", "zh-hans")).text
    assert '<a href="/zh-hans/institutions/?country=CN">中国</a>' in page


def test_page_points_its_script_at_the_markers_and_needs_it_not(client):
    page = client.get(url("institution-map", "fr")).text
    # Hidden until the script shows it; the text works without it.
    assert re.search(r'<div id="map-area"[^>]* hidden>', page)
    assert 'data-markers="/fr/institutions/map.geojson"' in page
    assert "leaflet.markercluster.js" in page
    assert "<script>" not in page and "style=" not in page


def test_page_does_not_grow_with_the_institutions(client):
    for country in ("BE", "CN", "FR"):
        make_institution(country=country, latitude=1, longitude=1)
    small = client.get(url("institution-map")).text
    for number in range(200):
        make_institution(
            name=f"Many Institute {number}",
            country=("BE", "CN", "FR")[number % 3],
            latitude=1,
            longitude=1,
        )
    cache.clear()  # the counts are kept for a few minutes
    large = client.get(url("institution-map")).text
    assert "many-institute" not in large and "Many Institute" not in large
    assert len(large) - len(small) < 20  # only the counts grew a digit or two


def test_page_query_count(client, located, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(url("institution-map"))
    with django_assert_num_queries(0):
        client.get(url("institution-map"))
