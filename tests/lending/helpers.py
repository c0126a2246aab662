"""Lending-box items and loans in a given state for tests, through the real verbs."""

from datetime import timedelta

from django.utils import timezone

from lending.models import Item, Loan
from tests.factories import StaffFactory, UserFactory


def make_item(**fields):
    data = {"name": "雨伞", "quantity": 2, "collect_at": "社区党群服务中心一楼服务台", "loan_days": 7, **fields}
    if Item.objects.filter(name=data["name"]).exists():
        data["name"] = f"{data['name']}{Item.objects.count() + 1}"
    return Item.objects.create(**data)


def desk_worker(**kwargs):
    """A grid worker: the role that hands items over and takes them back."""
    return StaffFactory(groups=["网格员"], **kwargs)


def make_loan(*, item=None, borrower=None, status="requested", staff=None, due_on=None, note=""):
    """A loan moved to ``status`` through the model's own verbs."""
    item = item or make_item()
    borrower = borrower or UserFactory()
    loan = Loan.request(item=item, by=borrower, note=note)
    if status == "requested":
        return loan
    staff = staff or desk_worker()
    if status == "cancelled":
        loan.cancel(by=borrower)
    elif status == "declined":
        loan.decline(by=staff, reason="送去维修了")
    else:
        loan.hand_over(by=staff, due_on=due_on or item.default_due_on())
        if status == "returned":
            loan.record_return(by=staff)
    loan.refresh_from_db()
    return loan


def make_overdue(loan, *, days=2):
    """Move a handed-over loan's due date into the past (a test-only rewrite; staff cannot set a past date)."""
    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - timedelta(days=days))
    loan.refresh_from_db()
    return loan
