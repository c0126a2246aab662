"""Party members and races, on real separate connections: a double-clicked declaration makes one row, two deciders
at once decide once, and a party member racing volunteers for a wish still leaves exactly one claimant."""

import pytest

from community.models import AuditEntry, Notification, PartyMembership, PartyMembershipError
from party.services import membership_confirm, membership_reject
from tests.concurrency import run_together
from tests.factories import PartyBranchFactory, PartyMembershipFactory, StaffFactory, UserFactory
from tests.wishes.helpers import make_volunteer, make_wish
from wishes.models import Wish, WishClaim, WishError

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_double_clicked_declaration_makes_one_row():
    resident = UserFactory()

    def declare():
        return PartyMembership.declare(resident, organisation="第一网格党支部", joined_year=1998, consent=True)

    results = run_together(declare, declare, declare)
    assert all(isinstance(result, PartyMembership) for result in results), results
    assert PartyMembership.objects.filter(member=resident).count() == 1


def test_the_secretary_and_the_party_office_deciding_at_once_decide_once():
    branch = PartyBranchFactory(secretary=UserFactory())
    membership = PartyMembershipFactory(status="declared", branch=branch)
    office = StaffFactory(groups=["党务"])
    results = run_together(
        lambda: membership_confirm(membership=PartyMembership.objects.get(pk=membership.pk), by=branch.secretary),
        lambda: membership_reject(membership=PartyMembership.objects.get(pk=membership.pk), by=office, reason="核对"),
    )
    refused = [result for result in results if isinstance(result, PartyMembershipError)]
    assert len(refused) == 1 and "已经处理过" in refused[0].message
    assert Notification.objects.filter(recipient=membership.member).count() == 1
    assert AuditEntry.objects.filter(action__startswith="partymembership.").count() == 1


def test_a_party_member_racing_volunteers_for_a_wish_leaves_one_claimant():
    wish = make_wish()
    claimants = [PartyMembershipFactory().member for _ in range(5)] + [make_volunteer() for _ in range(5)]
    results = run_together(*[lambda user=user: Wish.objects.get(pk=wish.pk).claim(by=user) for user in claimants])
    winners = [result for result in results if isinstance(result, WishClaim)]
    refusals = {result.message for result in results if isinstance(result, WishError)}
    assert len(winners) == 1 and refusals == {"这个心愿已被认领，看看其他心愿吧。"}
    assert WishClaim.objects.filter(wish=wish).count() == 1
