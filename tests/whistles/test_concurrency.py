"""Units answering the whistle at the same moment, each on its own connection."""

import pytest
from django.db import transaction

from community.models import Notification
from tests.concurrency import run_together, start, wait_until_a_connection_waits_for_a_lock
from tests.factories import BuildingFactory, PartnerUnitFactory, StaffFactory, UserFactory
from volunteers.models import PartnerMembership
from whistles.models import Category, Whistle, WhistleCall, WhistleError, triage_staff

pytestmark = pytest.mark.django_db(transaction=True)

ALL_DONE = "的所有单位已完成，请结束吹哨。"


def whistle_calling(*units):
    return Whistle.blow(
        by=StaffFactory(groups=["网格员"]),
        units=units,
        title="清理楼后垃圾",
        description="两天内清运。",
        category=Category.SANITATION,
        building=BuildingFactory(),
    )


def members_of(unit, count):
    members = [UserFactory() for _ in range(count)]
    for member in members:
        PartnerMembership.objects.create(unit=unit, user=member)
    return members


def test_two_members_of_a_unit_reporting_in_at_once_report_in_once():
    unit = PartnerUnitFactory(name="区城管局")
    first, second = members_of(unit, 2)
    whistle = whistle_calling(unit)
    call_pk = whistle.calls.get().pk
    results = run_together(
        lambda: WhistleCall.objects.get(pk=call_pk).report_in(by=first, people=3),
        lambda: WhistleCall.objects.get(pk=call_pk).report_in(by=second, people=5),
    )
    refusals = [result for result in results if isinstance(result, WhistleError)]
    assert len(refusals) == 1 and refusals[0].message == "已经报到过了。"
    call = WhistleCall.objects.get(pk=call_pk)
    assert call.status == WhistleCall.Status.REPORTED and call.reported_in_by in (first, second)
    assert call.updates.count() == 1
    assert whistle.transitions.filter(to_status=Whistle.Status.IN_PROGRESS).count() == 1


def test_two_units_finishing_at_once_tell_staff_once():
    first_unit, second_unit = PartnerUnitFactory(name="区建设局"), PartnerUnitFactory(name="供电所")
    (first,), (second,) = members_of(first_unit, 1), members_of(second_unit, 1)
    whistle = whistle_calling(first_unit, second_unit)
    calls = {call.unit_id: call for call in whistle.calls.all()}
    calls[first_unit.pk].report_in(by=first, people=2)
    calls[second_unit.pk].report_in(by=second, people=2)
    results = run_together(
        lambda: WhistleCall.objects.get(pk=calls[first_unit.pk].pk).mark_done(by=first),
        lambda: WhistleCall.objects.get(pk=calls[second_unit.pk].pk).mark_done(by=second),
    )
    assert results == [None, None]
    staff = set(triage_staff())
    assert staff
    told = list(Notification.objects.filter(title__endswith=ALL_DONE).values_list("recipient", flat=True))
    assert sorted(told) == sorted(person.pk for person in staff)  # each of them, once


def test_the_last_unit_done_and_its_notice_to_staff_commit_together():
    """The notice is written in the transaction that marks the call done, never after it (the outbox rule)."""
    unit = PartnerUnitFactory(name="供水公司")
    (member,) = members_of(unit, 1)
    whistle = whistle_calling(unit)
    call = whistle.calls.get()
    call.report_in(by=member, people=2)
    with transaction.atomic():
        # Hold back every new notification while the unit marks its part done.
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("LOCK TABLE community_notification IN SHARE MODE")
        thread, outcome = start(lambda: WhistleCall.objects.get(pk=call.pk).mark_done(by=member))
        wait_until_a_connection_waits_for_a_lock()
        # The notice cannot be written yet: the change it reports must not be visible either.
        assert WhistleCall.objects.get(pk=call.pk).status == WhistleCall.Status.REPORTED
    thread.join()
    assert "error" not in outcome, outcome
    assert WhistleCall.objects.get(pk=call.pk).status == WhistleCall.Status.DONE
    assert Notification.objects.filter(title__endswith=ALL_DONE).exists()
