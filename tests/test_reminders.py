"""Expiry reminders, renewals and the purge of interest registrations."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cooperation.models import Agreement, AgreementExchangeKind, Interest
from cooperation.services import agreement_renew
from tests.factories import (
    field,
    make_agreement,
    make_exchange,
    make_institution,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 15)


def remind(*args, today=TODAY) -> str:
    out = StringIO()
    call_command("send_agreement_reminders", f"--today={today}", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def officer(db):
    return make_user(
        "officer",
        email="officer@ap.example.org",
        group=Group.objects.get(name="Editors"),
    )


def expiring_in(days: int, **fields) -> Agreement:
    return make_agreement(expires_on=TODAY + datetime.timedelta(days=days), **fields)


def test_reminder_goes_to_the_responsible_staff_member(officer):
    agreement = expiring_in(90, responsible=officer, title_en="MoU on music")
    output = remind()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["officer@ap.example.org"]
    assert "MoU on music" in mail.outbox[0].subject
    assert "90 days" in mail.outbox[0].subject
    assert f"/admin/cooperation/agreement/{agreement.pk}/change/" in mail.outbox[0].body
    assert output.strip().endswith("1 reminder(s) sent, 0 without a recipient.")


def test_without_responsible_the_editors_are_reminded():
    editors = Group.objects.get(name="Editors")
    make_user("e1", email="e1@example.org", group=editors)
    make_user("e2", email="e2@example.org", group=editors)
    make_user("gone", email="gone@example.org", group=editors, is_active=False)
    expiring_in(30)
    remind()
    assert mail.outbox[0].to == ["e1@example.org", "e2@example.org"]


def test_an_editor_tied_to_other_institutions_gets_no_reminder():
    editors = Group.objects.get(name="Editors")
    ap, shanghai = make_institution(name="AP"), make_institution(name="Shanghai")
    music = make_institution(name="AP Faculty of Music", parent=ap)
    hainan = make_institution(name="Hainan")
    make_user("all", email="all@example.org", group=editors)
    for name, institution in (("ap", ap), ("music", music), ("hainan", hainan)):
        user = make_user(name, email=f"{name}@example.org", group=editors)
        user.institutions.add(institution)
    expiring_in(30, parties=[music, shanghai], title_en="MoU on music")
    remind()
    # The unrestricted editor, the party's editor and that of the institution
    # above it; never Hainan's, who could not open it: the e-mail names it.
    assert mail.outbox[0].to == [
        "all@example.org",
        "ap@example.org",
        "music@example.org",
    ]


def test_a_responsible_staff_member_who_may_not_open_it_is_replaced_by_editors():
    editors = Group.objects.get(name="Editors")
    ap, elsewhere = make_institution(name="AP"), make_institution(name="Hainan")
    moved = make_user("moved", email="moved@example.org", group=editors)
    moved.institutions.add(elsewhere)
    make_user("ap", email="ap@example.org", group=editors).institutions.add(ap)
    no_role = make_user("norole", email="norole@example.org")
    expiring_in(30, parties=[ap], responsible=moved)
    expiring_in(31, parties=[ap], responsible=no_role)
    remind()
    assert [message.to for message in mail.outbox] == [
        ["ap@example.org"],
        ["ap@example.org"],
    ]


def test_running_twice_sends_nothing_twice(officer):
    expiring_in(90, responsible=officer)
    remind()
    output = remind()
    assert len(mail.outbox) == 1
    assert "0 reminder(s) sent" in output


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(181, 0), (180, 1), (150, 1), (90, 1), (7, 1), (0, 1), (-1, 0)],
)
def test_lead_times_at_fixed_dates(officer, days_left, expected):
    expiring_in(days_left, responsible=officer)
    remind()
    assert len(mail.outbox) == expected


def test_each_lead_time_is_sent_once_over_the_agreements_last_months(officer):
    agreement = expiring_in(200, responsible=officer)
    sent_on = []
    for offset in range(0, 201):
        day = TODAY + datetime.timedelta(days=offset)
        before = len(mail.outbox)
        remind(today=day)
        if len(mail.outbox) > before:
            sent_on.append((agreement.expires_on - day).days)
    assert sent_on == [180, 90, 30, 7]


def test_a_late_run_sends_one_mail_covering_all_due_lead_times(officer):
    agreement = expiring_in(5, responsible=officer)
    remind()
    assert len(mail.outbox) == 1
    assert set(agreement.reminders.values_list("lead_days", flat=True)) == {
        180,
        90,
        30,
        7,
    }
    remind(today=TODAY + datetime.timedelta(days=1))
    assert len(mail.outbox) == 1


def test_a_new_expiry_date_starts_reminders_afresh(officer):
    agreement = expiring_in(30, responsible=officer)
    remind()
    agreement.expires_on = TODAY + datetime.timedelta(days=400)
    agreement.save()
    remind(today=TODAY + datetime.timedelta(days=220))
    assert len(mail.outbox) == 2


def test_lead_times_are_configurable(officer, settings):
    settings.AGREEMENT_REMINDER_DAYS = [14]
    expiring_in(20, responsible=officer)
    remind()
    assert mail.outbox == []
    remind("--days=60,21")
    assert len(mail.outbox) == 1


def test_dry_run_sends_and_records_nothing(officer):
    agreement = expiring_in(90, responsible=officer, title_en="MoU on music")
    output = remind("--dry-run")
    assert "would remind officer@ap.example.org" in output
    assert "dry run: nothing sent" in output
    assert mail.outbox == []
    assert not agreement.reminders.exists()


def test_drafts_and_terminated_agreements_get_no_reminder(officer):
    expiring_in(30, responsible=officer, status="terminated")
    expiring_in(30, responsible=officer, status="negotiation")
    remind()
    assert mail.outbox == []


def test_no_recipient_is_reported():
    expiring_in(30)
    err = StringIO()
    call_command(
        "send_agreement_reminders", f"--today={TODAY}", stdout=StringIO(), stderr=err
    )
    assert "no recipient" in err.getvalue()


def test_renewal_copies_parties_fields_and_kinds(officer):
    one, two = make_institution(), make_institution()
    agreement = make_agreement(
        title_en="MoU",
        title_zh_hans="谅解备忘录",
        parties=[one, two],
        responsible=officer,
    )
    agreement.fields.set([field("0215")])
    AgreementExchangeKind.objects.create(
        agreement=agreement, kind="teacher", places_per_year=4
    )
    successor = agreement_renew(agreement=agreement)
    assert successor.status == "draft"
    assert (successor.predecessor, successor.lineage) == (agreement, "renews")
    # Each language's title, saying that it is the renewal (issue 11).
    year = (agreement.expires_on + datetime.timedelta(days=1)).year  # its start
    assert successor.title_en == f"MoU (renewal {year})"
    assert successor.title_zh_hans == f"谅解备忘录（{year} 年续签）"
    assert successor.responsible == officer
    assert set(successor.parties.values_list("institution", flat=True)) == {
        one.pk,
        two.pk,
    }
    assert list(successor.fields.values_list("code", flat=True)) == ["0215"]
    assert list(successor.exchange_kinds.values_list("kind", "places_per_year")) == [
        ("teacher", 4)
    ]
    assert successor.signed_on is None and successor.expires_on is None
    assert successor.slug != agreement.slug


def test_purge_deletes_old_registrations_and_their_history():
    exchange = make_exchange()
    old = Interest.objects.create(
        exchange=exchange, name="Old", email="old@example.org", consent=True
    )
    Interest.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(days=400)
    )
    recent = Interest.objects.create(
        exchange=exchange, name="New", email="new@example.org", consent=True
    )
    out = StringIO()
    call_command("purge_interests", stdout=out)
    assert "Deleted 1 interest registration(s)" in out.getvalue()
    assert list(Interest.objects.all()) == [recent]
    assert not Interest.history.filter(id=old.pk).exists()
    assert Interest.history.filter(id=recent.pk).exists()
