"""The last unit: residents asking for it at the same moment, each on their own database connection."""

import pytest

from lending.models import Item, LendingError, Loan
from tests.concurrency import run_together
from tests.factories import UserFactory
from tests.lending.helpers import make_item, make_loan

ROUNDS = 3


def ask(item, resident):
    return lambda: Loan.request(item=Item.objects.get(pk=item.pk), by=resident)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_residents_asking_for_the_last_unit_at_once_one_gets_it_and_availability_never_goes_below_zero(
    round_number,
):
    wheelchair = make_item(name="轮椅", quantity=2)
    make_loan(item=wheelchair, status="handed_over")  # one is out: one left
    first, second = UserFactory(), UserFactory()

    results = run_together(ask(wheelchair, first), ask(wheelchair, second))

    loans = [result for result in results if isinstance(result, Loan)]
    refusals = [result for result in results if isinstance(result, LendingError)]
    assert len(loans) == 1 and len(refusals) == 1, results
    assert refusals[0].message == "这件物品刚刚借完了，过几天再来看看吧。"
    counted = Item.objects.with_availability().get(pk=wheelchair.pk)
    assert (counted.reserved, counted.available) == (2, 0)
    assert Loan.objects.filter(item=wheelchair, status=Loan.Status.REQUESTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_residents_racing_for_a_few_units_get_exactly_as_many_as_there_are():
    umbrellas = make_item(name="雨伞", quantity=3)
    residents = [UserFactory() for _ in range(12)]

    results = run_together(*(ask(umbrellas, resident) for resident in residents))

    assert sum(isinstance(result, Loan) for result in results) == 3
    assert all(isinstance(result, Loan | LendingError) for result in results), results
    assert Item.objects.with_availability().get(pk=umbrellas.pk).available == 0


@pytest.mark.django_db(transaction=True)
def test_one_resident_double_clicking_asks_once():
    glasses = make_item(name="老花镜", quantity=5)
    resident = UserFactory()

    results = run_together(*(ask(glasses, resident) for _ in range(4)))

    assert sum(isinstance(result, Loan) for result in results) == 1
    assert Loan.objects.filter(item=glasses, borrower=resident).count() == 1
