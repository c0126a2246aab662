"""双报到 races, each attempt on its own connection: exactly one outcome, a message for the others."""

import threading

import pytest
from django.db import connections

from community.lifecycle import NotAllowed
from party.models import FeedbackSheet, InServiceMember
from tests.factories import PartnerUnitFactory, PartyMembershipFactory, StaffFactory, UserFactory
from volunteers.models import PartnerMembership, PartnerUnit

ATTEMPTS = 6


def race(attempts):
    """Run the callables at the same moment; return (successes, refusal messages)."""
    barrier = threading.Barrier(len(attempts))
    done, refusals, lock = [], [], threading.Lock()

    def run(attempt):
        try:
            barrier.wait()
            attempt()
            with lock:
                done.append(1)
        except NotAllowed as refusal:
            with lock:
                refusals.append(refusal.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(done), refusals


@pytest.mark.django_db(transaction=True)
def test_staff_approving_a_unit_at_the_same_moment_approve_it_once():
    applicant = UserFactory()
    unit = PartnerUnit.register(by=applicant, name="市第一中学", contact_name="周老师", contact_phone="13912345678")
    staff = [StaffFactory(is_superuser=True) for _ in range(ATTEMPTS)]
    done, refusals = race([lambda s=s: PartnerUnit.objects.get(pk=unit.pk).approve(by=s) for s in staff])
    assert done == 1 and set(refusals) == {"这个单位的报到已经审核过了。"}
    assert PartnerMembership.objects.filter(unit=unit, user=applicant, is_contact=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_unit_registered_twice_at_once_is_one_unit():
    people = [UserFactory() for _ in range(ATTEMPTS)]
    done, refusals = race(
        [
            lambda p=p: PartnerUnit.register(by=p, name="市第一中学", contact_name="周", contact_phone="13912345678")
            for p in people
        ]
    )
    assert done == 1 and set(refusals) == {"这个单位已经报到过了，请联系社区。"}
    assert PartnerUnit.objects.filter(name="市第一中学").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_registration_is_one_registration():
    unit = PartnerUnitFactory()
    person = PartyMembershipFactory().member
    fields = {"position": "科员", "availability": "周六"}
    done, refusals = race(
        [lambda: InServiceMember.register(person=person, unit=unit, **fields) for _ in range(ATTEMPTS)]
    )
    assert done == 1 and len(refusals) == ATTEMPTS - 1
    assert InServiceMember.objects.filter(person=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_staff_writing_the_same_sheet_at_once_leave_one_sheet():
    unit = PartnerUnitFactory()
    member = InServiceMember.objects.create(
        person=PartyMembershipFactory().member, unit=unit, position="科员", availability="周六", status="approved"
    )
    staff = [StaffFactory(is_superuser=True) for _ in range(ATTEMPTS)]
    done, refusals = race(
        [lambda s=s: FeedbackSheet.write(member=member, year=2025, evaluation=f"评价{s.pk}", by=s) for s in staff]
    )
    assert done == ATTEMPTS and not refusals
    assert FeedbackSheet.objects.filter(member=member, year=2025).count() == 1
