"""Merging duplicate institutions: what moves, aliases, history, links the
target already has, refusals, and the admin action with its permissions."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cooperation import services
from cooperation.models import (
    AgreementParty,
    Exchange,
    Institution,
)
from tests.factories import make_agreement, make_exchange, make_institution, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:cooperation_institution_changelist")


def entries(institution_pk: int) -> list:
    """The institution's history, newest first."""
    return list(Institution.history.filter(id=institution_pk).order_by("-history_id"))


@pytest.fixture
def pair():
    """One institution recorded twice, with links and identifiers on both."""
    target = make_institution(
        name="AP University of Applied Sciences and Arts Antwerp",
        acronym="AP",
        aliases="AP Hogeschool",
        erasmus_code="B  ANTWERP62",
    )
    duplicate = make_institution(
        name="AP Hogeschool Antwerpen",
        name_nl="AP Hogeschool Antwerpen",
        name_fr="Haute École AP d'Anvers",
        official_name="Artesis Plantijn Hogeschool",
        acronym="ap",
        aliases="AP hogeschool\nArtesis Plantijn",
        erasmus_code="B  ANTWERP99",
        pic="999812345",
        schac_code="ap.be",
    )
    return target, duplicate


# The service ----------------------------------------------------------------


def test_links_move_to_the_target_and_the_duplicate_is_deleted(pair, editor):
    target, duplicate = pair
    agreement = make_agreement(parties=[duplicate, make_institution()])
    hosted = make_exchange(host=duplicate)
    partnered = make_exchange(partners=[duplicate])
    unit = make_institution(name="AP Music Centre", parent=duplicate)
    predecessor = make_institution(name="Artesis Hogeschool", successor=duplicate)
    tied = make_user("scoped")
    tied.institutions.add(duplicate)

    result = services.merge_institutions(target, [duplicate], user=editor)

    assert not Institution.objects.filter(pk=duplicate.pk).exists()
    assert set(agreement.parties.values_list("institution", flat=True)) == {
        target.pk,
        agreement.parties.exclude(institution=target).get().institution_id,
    }
    hosted.refresh_from_db()
    assert hosted.host == target
    assert list(partnered.partners.all()) == [target]
    unit.refresh_from_db()
    predecessor.refresh_from_db()
    assert (unit.parent, predecessor.successor) == (target, target)
    assert list(tied.institutions.all()) == [target]
    assert result.moved == {
        "parties": 1,
        "hosted": 1,
        "partnered": 1,
        "units": 1,
        "predecessors": 1,
        "editors": 1,
    }


def test_the_target_keeps_who_it_is(pair, editor):
    target, duplicate = pair
    before = (target.name, target.slug, target.country, target.city, target.kind)
    services.merge_institutions(target, [duplicate], user=editor)
    target.refresh_from_db()
    assert (target.name, target.slug, target.country, target.city, target.kind) == (
        before
    )


def test_identifiers_move_where_the_target_has_none(pair, editor):
    target, duplicate = pair
    result = services.merge_institutions(target, [duplicate], user=editor)
    target.refresh_from_db()
    # Its own Erasmus code is kept; the duplicate's others move over.
    assert (target.erasmus_code, target.pic, target.schac_code) == (
        "B  ANTWERP62",
        "999812345",
        "ap.be",
    )
    assert result.identifiers == [("schac_code", "ap.be"), ("pic", "999812345")]
    assert result.identifiers_left == [("erasmus_code", "B  ANTWERP99")]
    # Not lost: the merged record's last history entry holds it.
    assert entries(duplicate.pk)[0].erasmus_code == "B  ANTWERP99"


def test_names_become_aliases_once_case_and_accents_aside(pair, editor):
    target, duplicate = pair
    result = services.merge_institutions(target, [duplicate], user=editor)
    target.refresh_from_db()
    assert target.aliases.splitlines() == [
        "AP Hogeschool",
        "AP Hogeschool Antwerpen",
        "Haute École AP d'Anvers",
        "Artesis Plantijn Hogeschool",
        "Artesis Plantijn",
    ]
    assert result.aliases == target.aliases.splitlines()[1:]
    # A name differing only in accents is not added twice.
    other = make_institution(name="Haute Ecole AP d'Anvers", country="BE")
    services.merge_institutions(target, [other], user=editor)
    target.refresh_from_db()
    assert target.aliases.count("Anvers") == 1
    assert Institution.objects.search("Artesis").first() == target


def test_history_says_so_on_both_records(pair, editor):
    target, duplicate = pair
    services.merge_institutions(target, [duplicate], user=editor)
    kept = entries(target.pk)[0]
    assert kept.history_change_reason == (
        f"Merged AP Hogeschool Antwerpen (#{duplicate.pk}) into this record"
    )
    assert (kept.history_type, kept.history_user) == ("~", editor)
    merged = entries(duplicate.pk)[0]
    assert merged.history_change_reason == (
        f"Merged into AP University of Applied Sciences and Arts Antwerp (#{target.pk})"
    )
    assert (merged.history_type, merged.history_user) == ("-", editor)


def test_moved_links_enter_the_history_of_their_records(pair, editor):
    target, duplicate = pair
    agreement = make_agreement(parties=[duplicate])
    exchange = make_exchange(host=make_institution(), partners=[duplicate])
    services.merge_institutions(target, [duplicate], user=editor)
    reason = f"Merged AP Hogeschool Antwerpen (#{duplicate.pk}) into AP University"
    party = AgreementParty.history.filter(agreement_id=agreement.pk).latest()
    assert party.history_change_reason.startswith(reason)
    assert (party.institution_id, party.history_user) == (target.pk, editor)
    latest = exchange.history.latest()
    assert latest.history_change_reason.startswith(reason)
    # The entry keeps the partners as they now are, as a save would.
    assert [p.institution_id for p in latest.partners.all()] == [target.pk]


def test_long_names_are_shortened_in_the_history(editor):
    target = make_institution(name="T" * 200)
    duplicate = make_institution(name="D" * 200)
    services.merge_institutions(target, [duplicate], user=editor)
    reason = entries(target.pk)[0].history_change_reason
    assert len(reason) == 100
    assert reason.endswith(f"… (#{duplicate.pk}) into this record")


def test_a_party_the_target_already_is_is_dropped_not_doubled(pair, editor):
    target, duplicate = pair
    agreement = make_agreement(parties=[target, duplicate])
    result = services.merge_institutions(target, [duplicate], user=editor)
    assert list(agreement.parties.values_list("institution", flat=True)) == [target.pk]
    assert (result.moved["parties"], result.dropped["parties"]) == (0, 1)
    deleted = AgreementParty.history.filter(
        agreement_id=agreement.pk, history_type="-"
    ).get()
    assert (deleted.institution_id, deleted.history_user) == (duplicate.pk, editor)


def test_a_shared_exchange_keeps_one_partner_link(pair, editor):
    target, duplicate = pair
    exchange = make_exchange(partners=[target, duplicate])
    result = services.merge_institutions(target, [duplicate], user=editor)
    assert list(exchange.partners.all()) == [target]
    assert result.dropped["partnered"] == 1
    exchange.refresh_from_db()
    # The database's search documents follow (kept by triggers).
    assert duplicate.pk not in exchange.institutions
    assert target.pk in exchange.institutions


def test_the_target_stops_being_partner_of_what_it_now_hosts(pair, editor):
    target, duplicate = pair
    exchange = make_exchange(host=duplicate, partners=[target])
    services.merge_institutions(target, [duplicate], user=editor)
    exchange.refresh_from_db()
    assert exchange.host == target
    assert not exchange.partners.exists()


def test_a_unit_merged_with_its_parent_takes_the_parents_place(editor):
    university = make_institution(name="Hainan Vocational University")
    duplicate = make_institution(name="Hainan VU", parent=university)
    target = make_institution(name="Hainan VU rehabilitation centre", parent=duplicate)
    sibling = make_institution(name="Hainan VU arts centre", parent=duplicate)
    services.merge_institutions(target, [duplicate], user=editor)
    target.refresh_from_db()
    sibling.refresh_from_db()
    assert target.parent == university
    assert sibling.parent == target


def test_several_duplicates_at_once(pair, editor):
    target, duplicate = pair
    third = make_institution(name="Artesis Plantijn Hogeschool Antwerpen")
    agreement = make_agreement(parties=[duplicate, third])
    result = services.merge_institutions(target, [duplicate, third], user=editor)
    assert not Institution.objects.filter(pk__in=[duplicate.pk, third.pk]).exists()
    assert list(agreement.parties.values_list("institution", flat=True)) == [target.pk]
    assert len(result.merged) == 2
    reasons = [entry.history_change_reason for entry in entries(target.pk)[:2]]
    assert reasons == [
        f"Merged Artesis Plantijn Hogeschool Antwerpen (#{third.pk}) into this record",
        f"Merged AP Hogeschool Antwerpen (#{duplicate.pk}) into this record",
    ]


def test_merging_only_into_itself_is_refused(pair, editor):
    target, _ = pair
    with pytest.raises(services.MergeRefused, match="other than"):
        services.merge_institutions(target, [target], user=editor)


def test_a_link_that_cannot_move_refuses_the_merge_and_changes_nothing(
    pair, editor, monkeypatch
):
    target, duplicate = pair
    agreement = make_agreement(parties=[duplicate])
    make_exchange(host=duplicate, title="AP summer school")
    # As if exchanges were a link the merge did not know how to move.
    monkeypatch.setattr(services, "_merge_exchanges", lambda *a, **k: None)
    with pytest.raises(services.MergeRefused, match="AP summer school"):
        services.merge_institutions(target, [duplicate], user=editor)
    assert Institution.objects.filter(pk=duplicate.pk).exists()
    assert agreement.parties.get().institution_id == duplicate.pk
    target.refresh_from_db()
    assert (target.aliases, target.pic) == ("AP Hogeschool", "")


def test_every_link_to_an_institution_is_moved_by_a_merge():
    """A new relation to Institution must be added to MERGED_LINKS (or it
    would be lost, or protect every merged record)."""
    handled = {(model, field) for _, model, field in services.MERGED_LINKS}
    links = {
        (relation.related_model, relation.field.name)
        for relation in Institution._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and not relation.many_to_many
        and not relation.related_model.__name__.startswith("Historical")
    }
    assert links == handled


# The admin action -----------------------------------------------------------


def merge_post(selected, **choice) -> dict:
    return {
        "action": "merge",
        "_selected_action": [institution.pk for institution in selected],
        **({"post": "yes", **choice} if choice else {}),
    }


def test_confirmation_page_lists_what_will_move(client, editor, pair):
    target, duplicate = pair
    make_agreement(parties=[duplicate])
    make_exchange(host=duplicate)
    client.force_login(editor)
    response = client.post(CHANGELIST, merge_post([target, duplicate]))
    assert response.status_code == 200
    page = response.text
    assert "Merge institutions" in page
    assert "Artesis Plantijn Hogeschool" in page  # a name to become an alias
    assert "999812345" in page  # an identifier to move
    rows = {row["institution"]: row["counts"] for row in response.context["selected"]}
    assert rows[duplicate] == [1, 1, 0, 0, 0, 0]
    assert Institution.objects.filter(pk=duplicate.pk).exists()


def test_editor_merges_from_the_changelist(client, editor, pair):
    target, duplicate = pair
    make_exchange(host=duplicate)
    client.force_login(editor)
    response = client.post(
        CHANGELIST, merge_post([target, duplicate], target=target.pk), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "admin:cooperation_institution_change", args=[target.pk]
    )
    assert not Institution.objects.filter(pk=duplicate.pk).exists()
    message = str(list(response.context["messages"])[0])
    assert "1 institution merged into" in message
    assert "exchanges hosted 1" in message
    assert "Erasmus code “B  ANTWERP99”" in message  # not moved, and said so
    assert entries(target.pk)[0].history_user == editor


def test_one_institution_is_merged_into_another_found_by_name(client, editor, pair):
    target, duplicate = pair
    client.force_login(editor)
    page = client.post(CHANGELIST, merge_post([duplicate])).text
    assert 'name="target"' not in page
    assert "admin-autocomplete" in page
    client.post(CHANGELIST, merge_post([duplicate], other=target.pk))
    assert not Institution.objects.filter(pk=duplicate.pk).exists()


def test_no_choice_shows_the_page_again_with_the_reason(client, editor, pair):
    client.force_login(editor)
    response = client.post(CHANGELIST, merge_post(pair, target="", other=""))
    assert response.status_code == 200
    assert "Choose the institution to keep" in response.text
    assert Institution.objects.count() == 2


def test_merging_the_only_selected_into_itself_is_explained(client, editor, pair):
    target, _ = pair
    client.force_login(editor)
    response = client.post(CHANGELIST, merge_post([target], other=target.pk))
    assert response.status_code == 200
    assert "other than" in response.text


def test_user_who_may_not_delete_institutions_cannot_merge(client, pair):
    target, duplicate = pair
    clerk = make_user("clerk")
    clerk.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_institution", "change_institution"]
        )
    )
    client.force_login(clerk)
    page = client.get(CHANGELIST).text
    assert 'value="merge"' not in page
    client.post(CHANGELIST, merge_post([target, duplicate], target=target.pk))
    assert Institution.objects.filter(pk=duplicate.pk).exists()


def test_viewer_cannot_merge(client, viewer, pair):
    target, duplicate = pair
    client.force_login(viewer)
    client.post(CHANGELIST, merge_post([target, duplicate], target=target.pk))
    assert Institution.objects.filter(pk=duplicate.pk).exists()


def test_scoped_editor_cannot_merge_into_an_institution_outside_their_scope(
    client, pair
):
    target, duplicate = pair
    scoped = make_user("scoped", is_superuser=False)
    scoped.user_permissions.add(
        *Permission.objects.filter(content_type__model="institution")
    )
    scoped.institutions.add(duplicate)
    client.force_login(scoped)
    response = client.post(CHANGELIST, merge_post([duplicate], other=target.pk))
    assert response.status_code == 200
    assert "you may not edit it" in response.text
    assert Institution.objects.filter(pk=duplicate.pk).exists()


def test_exchange_of_a_merged_host_stays_public(client, editor, pair):
    target, duplicate = pair
    exchange = make_exchange(host=duplicate, title="Music masterclass")
    client.force_login(editor)
    client.post(CHANGELIST, merge_post([target, duplicate], target=target.pk))
    assert Exchange.objects.public().filter(pk=exchange.pk).exists()
