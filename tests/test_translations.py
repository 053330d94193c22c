"""The public site is completely translated into every language it offers.

Two checks (a third, that the catalogues hold every text marked for
translation, is tests/test_catalogues.py):

* every entry of each catalogue is translated and none is fuzzy;
* the rendered public pages, in each translated language, show none of the
  English interface texts.
"""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from cooperation.models import AgreementExchangeKind, Interest
from cooperation.public.forms import InterestForm
from tests.factories import field, make_agreement, make_exchange, make_institution

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "cooperation" / "locale"

# Django language code -> catalogue folder.
LANGUAGES = {"zh-hans": "zh_Hans", "nl": "nl", "fr": "fr"}


def catalogue(folder: str):
    path = LOCALE_DIR / folder / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po_file:
        return read_po(po_file, abort_invalid=True)


# --- (a) complete catalogues -------------------------------------------------


def test_every_offered_language_has_a_catalogue():
    offered = {code for code, _name in settings.LANGUAGES} - {"en"}
    assert offered == set(LANGUAGES)


@pytest.mark.parametrize("folder", LANGUAGES.values())
def test_catalogue_is_complete_and_not_fuzzy(folder):
    problems = []
    messages = [message for message in catalogue(folder) if message.id]
    assert messages
    for message in messages:
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, "\n".join(problems)


# --- (b) catalogues up to date with the code: tests/test_catalogues.py --------


# --- (c) no English interface text on a translated page ----------------------


class VisibleText(HTMLParser):
    """The text a visitor sees or hears: text nodes outside script and style,
    and the attributes read out or shown (aria-label, title, placeholder, alt,
    the value of buttons, the page description)."""

    HIDDEN = {"script", "style", "template"}
    SPOKEN = {"aria-label", "title", "placeholder", "alt"}
    META = {"description", "og:title", "og:description", "og:site_name"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        for name in self.SPOKEN:
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.parts.append(attributes.get("value") or "")
        if tag == "meta" and (attributes.get("name") or attributes.get("property")) in (
            self.META
        ):
            self.parts.append(attributes.get("content") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts))


# Where the public interface's texts are marked (the catalogues' locations).
PUBLIC_SOURCES = ("templates/", "cooperation/public/", "cooperation/services.py")


def english_interface_texts(folder: str) -> list[str]:
    """The English texts of the public interface (templates and the public
    Python modules) that this language translates differently; a text that a
    language keeps as it is (“Menu” in Dutch, “Documents” in French, “Erasmus
    code”) cannot be told apart from its translation."""
    texts = set()
    for message in catalogue(folder):
        if not message.id or not any(
            path.startswith(PUBLIC_SOURCES) for path, _line in message.locations
        ):
            continue
        if isinstance(message.id, tuple):
            originals, strings = message.id, message.string
        else:
            originals, strings = (message.id,), (message.string,)
        kept = {string.casefold() for string in strings}
        for original in originals:
            if original.casefold() in kept:
                continue
            # A text with a placeholder: its longest fixed part.
            parts = re.split(r"%\(\w+\)[sd]|%[sd]|\{\w+\}", original)
            fixed = max(parts, key=len).strip(" .:")
            if len(fixed) >= 3:
                texts.add(fixed)
    return sorted(texts)


def english_texts_in(text: str, english: list[str]) -> list[str]:
    """Which of ``english`` occur in ``text``: as words, with their case."""
    return [
        candidate
        for candidate in english
        if re.search(rf"(?<![\w-]){re.escape(candidate)}(?![\w-])", text)
    ]


@pytest.fixture
def world(db, time_machine):
    """Records whose texts are given in all four languages, so that no English
    fallback text can be taken for interface text."""
    time_machine.move_to(datetime.datetime(2027, 6, 15, 10, 0, tzinfo=datetime.UTC))
    cache.clear()
    ap = make_institution(
        name_en="AP University of Applied Sciences and Arts Antwerp",
        name_zh_hans="安特卫普AP应用科学与艺术大学",
        name_nl="AP Hogeschool Antwerpen",
        name_fr="Haute école AP d'Anvers",
        description_en="A university of applied sciences in Flanders.",
        description_zh_hans="佛兰德的一所应用科学大学。",
        description_nl="Een hogeschool in Vlaanderen.",
        description_fr="Une haute école en Flandre.",
        official_name="AP Hogeschool Antwerpen",
        acronym="AP",
        year_founded=1995,
        email="international@ap.example.org",
        erasmus_code="B  ANTWERP62",
        country="BE",
        city="Antwerpen",
        latitude=51.2194,
        longitude=4.4025,
    )
    shcm = make_institution(
        name_en="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        name_nl="Conservatorium van Shanghai",
        name_fr="Conservatoire de Shanghai",
        kind="conservatory",
        country="CN",
        city="上海",
        latitude=31.2096,
        longitude=121.4461,
    )
    unit = make_institution(
        name_en="Royal Conservatoire Antwerp",
        name_zh_hans="安特卫普皇家音乐学院",
        name_nl="Koninklijk Conservatorium Antwerpen",
        name_fr="Conservatoire royal d'Anvers",
        kind="conservatory",
        parent=ap,
        city="Antwerpen",
    )
    earlier = make_agreement(
        title_en="First memorandum on music education",
        title_zh_hans="第一份音乐教育谅解备忘录",
        title_nl="Eerste memorandum over muziekonderwijs",
        title_fr="Premier protocole sur l'enseignement musical",
        signed_on=datetime.date(2020, 1, 10),
        valid_from=datetime.date(2020, 2, 1),
        expires_on=datetime.date(2025, 1, 31),
        parties=[ap, shcm],
    )
    mou = make_agreement(
        title_en="Memorandum on musical talent",
        title_zh_hans="音乐人才培养谅解备忘录",
        title_nl="Memorandum over muzikaal talent",
        title_fr="Protocole sur les talents musicaux",
        summary_en="Teacher and student exchanges.",
        summary_zh_hans="教师和学生交流。",
        summary_nl="Uitwisselingen van docenten en studenten.",
        summary_fr="Échanges d'enseignants et d'étudiants.",
        reference="AP-2026-001",
        renews_automatically=True,
        predecessor=earlier,
        lineage="renews",
        parties=[ap, shcm],
    )
    mou.fields.set([field("0215")])
    AgreementExchangeKind.objects.create(
        agreement=mou, kind="teacher", places_per_year=2
    )
    AgreementExchangeKind.objects.create(
        agreement=mou, kind="student", places_per_year=1
    )
    exchange = make_exchange(
        title_en="Composition teachers in Shanghai",
        title_zh_hans="作曲教师赴上海交流",
        title_nl="Compositiedocenten in Shanghai",
        title_fr="Professeurs de composition à Shanghai",
        summary_en="Two weeks of teaching.",
        summary_zh_hans="为期两周的教学。",
        summary_nl="Twee weken lesgeven.",
        summary_fr="Deux semaines d'enseignement.",
        description_en="Masterclasses and concerts.",
        description_zh_hans="大师班和音乐会。",
        description_nl="Masterclasses en concerten.",
        description_fr="Classes de maître et concerts.",
        eligibility_en="Teachers of composition.",
        eligibility_zh_hans="作曲教师。",
        eligibility_nl="Docenten compositie.",
        eligibility_fr="Professeurs de composition.",
        how_to_apply_en="Write to the international office.",
        how_to_apply_zh_hans="请致函国际交流处。",
        how_to_apply_nl="Schrijf naar de internationale dienst.",
        how_to_apply_fr="Écrivez au service international.",
        host=shcm,
        partners=[ap],
        agreement=mou,
        fields_of_education=[field("0215")],
        starts_on=datetime.date(2027, 9, 1),
        ends_on=datetime.date(2027, 9, 14),
        application_deadline=datetime.date(2027, 7, 1),
        places=4,
        contact_email="international@ap.example.org",
        kind="teacher",
    )
    completed = make_exchange(
        title_en="Student orchestra tour",
        title_zh_hans="学生乐团巡演",
        title_nl="Tournee van het studentenorkest",
        title_fr="Tournée de l'orchestre des étudiants",
        outcomes_en="Four concerts.",
        outcomes_zh_hans="四场音乐会。",
        outcomes_nl="Vier concerten.",
        outcomes_fr="Quatre concerts.",
        host=ap,
        partners=[shcm],
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 10),
        participants=30,
        kind="performance",
    )
    return locals()


def page_urls(world) -> list[str]:
    return [
        reverse("home"),
        reverse("exchange-list"),
        reverse("exchange-list") + "?q=zzzzzz&kind=teacher",
        reverse("exchange-detail", kwargs={"slug": world["exchange"].slug}),
        reverse("exchange-detail", kwargs={"slug": world["completed"].slug}),
        reverse("institution-list"),
        reverse("institution-list") + "?q=zzzzzz",
        reverse("institution-detail", kwargs={"slug": world["ap"].slug}),
        reverse("institution-detail", kwargs={"slug": world["shcm"].slug}),
        reverse("agreement-list"),
        reverse("agreement-list") + "?q=zzzzzz",
        reverse("agreement-detail", kwargs={"slug": world["mou"].slug}),
        reverse("institution-map"),
        reverse("statistics"),
        reverse("home") + "no-such-page/",
    ]


def rendered_pages(client, world, language: str) -> dict[str, str]:
    """Address -> visible text of every public page in ``language``."""
    pages = {}
    with translation.override(language):
        addresses = page_urls(world)
    for address in addresses:
        response = client.get(address)
        expected = 404 if address.endswith("no-such-page/") else 200
        assert response.status_code == expected, address
        pages[address] = visible_text(response.text)
    # The interest form sent without anything: its error messages.
    detail = addresses[3]
    response = client.post(detail, {"name": "", "email": "not-an-address"})
    assert response.status_code == 200
    pages[f"{detail} (form errors)"] = visible_text(response.text)
    # The error page, and the e-mail to the organisers.
    with translation.override(language):
        request = RequestFactory().get(f"/{language}/")
        pages["500"] = visible_text(server_error(request).content.decode())
        # The outage pages (cooperation/health.py).
        pages["503"] = visible_text(render_to_string("503.html"))
        pages["503 (interest form)"] = visible_text(
            render_to_string(
                "cooperation/interest_unsaved.html", {"form": InterestForm()}
            )
        )
        context = {
            "exchange": world["exchange"],
            "interest": Interest(
                exchange=world["exchange"], name="Li Hua", email="li@example.org"
            ),
            "admin_url": "https://registry.example.org/admin/",
        }
        pages["e-mail"] = " ".join(
            render_to_string(f"cooperation/email/interest_{part}.txt", context)
            for part in ("subject", "body")
        )
    return pages


def test_the_check_finds_english_text_on_an_english_page(client, world):
    """The check below is not vacuous: on the English pages it finds the
    texts it looks for."""
    english = english_interface_texts("fr")
    for required in [
        "Exchanges",
        "Institutions",
        "Agreements",
        "Statistics",
        "Search",
        "Sort by",
        "Show results",
        "Skip to content",
        "Register your interest",
        "Next exchanges",
        "Key facts",
        "Page not found",
        "Cooperation registry",
        "exchanges found",
    ]:
        assert required in english
    pages = rendered_pages(client, world, "en")
    seen = set()
    for text in pages.values():
        seen |= set(english_texts_in(text, english))
    assert {"Skip to content", "Key facts", "Register your interest"} <= seen
    assert {"Page not found", "Something went wrong", "Clear all filters"} <= seen
    assert len(seen) > 80


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_pages_show_no_english_interface_text(client, world, language):
    english = english_interface_texts(LANGUAGES[language])
    brand = catalogue(LANGUAGES[language]).get("Cooperation registry").string
    pages = rendered_pages(client, world, language)
    leaks = {}
    for address, text in pages.items():
        if address != "e-mail":
            assert brand in text, address  # the page is really translated
        found = english_texts_in(text, english)
        if found:
            leaks[address] = found
    assert not leaks, f"English interface text on {language} pages: {leaks}"
