"""Exactly one claimant: many volunteers press 认领 at the same moment, each on their own connection."""

import threading

import pytest
from django.db import connections

from tests.wishes.helpers import make_volunteer, make_wish
from wishes.models import Wish, WishClaim, WishError

CLAIMANTS = 20
ROUNDS = 3


def race(wish, claimants):
    """Release all claimants at once; return (winners, refusal messages)."""
    barrier = threading.Barrier(len(claimants))
    winners, refusals, lock = [], [], threading.Lock()

    def attempt(user):
        try:
            barrier.wait()
            Wish.objects.get(pk=wish.pk).claim(by=user)
            with lock:
                winners.append(user.pk)
        except WishError as error:
            with lock:
                refusals.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in claimants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return winners, refusals


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_of_twenty_simultaneous_claims_exactly_one_wins(round_number):
    wish = make_wish()
    claimants = [make_volunteer() for _ in range(CLAIMANTS)]
    winners, refusals = race(wish, claimants)
    assert len(winners) == 1
    assert len(refusals) == CLAIMANTS - 1
    assert set(refusals) == {"这个心愿已被认领，看看其他心愿吧。"}
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CLAIMED
    assert wish.live_claim.claimant_id == winners[0]
    assert WishClaim.objects.filter(wish=wish).count() == 1
    assert wish.transitions.filter(to_status=Wish.Status.CLAIMED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_volunteer_double_clicking_on_many_wishes_stays_within_the_limit(settings):
    settings.WISH_MAX_OPEN_CLAIMS = 2
    volunteer = make_volunteer()
    wishes = [make_wish() for _ in range(6)]
    barrier = threading.Barrier(len(wishes))
    results, lock = [], threading.Lock()

    def attempt(wish):
        try:
            barrier.wait()
            Wish.objects.get(pk=wish.pk).claim(by=volunteer)
            with lock:
                results.append("ok")
        except WishError:
            with lock:
                results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(wish,)) for wish in wishes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 2
    assert WishClaim.objects.filter(claimant=volunteer, ended_at__isnull=True).count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_members_of_one_unit_claiming_different_wishes_at_once_stay_within_the_units_limit(settings, round_number):
    """Each member is under the limit on their own; together they must not take the unit past it."""
    from tests.wishes.helpers import make_member

    settings.WISH_MAX_OPEN_CLAIMS = 3
    first, unit = make_member(unit_name="区医保局")
    members = [first] + [make_member(unit=unit)[0] for _ in range(5)]
    wishes = [make_wish() for _ in members]
    make_wish().claim(by=members[0], unit=unit)  # the unit holds one claim already
    barrier = threading.Barrier(len(members))
    results, lock = [], threading.Lock()

    def attempt(member, wish):
        try:
            barrier.wait()
            Wish.objects.get(pk=wish.pk).claim(by=member, unit=unit)
            with lock:
                results.append("ok")
        except WishError:
            with lock:
                results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(members, wishes, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 2
    assert WishClaim.objects.filter(unit=unit, ended_at__isnull=True).count() == 3
