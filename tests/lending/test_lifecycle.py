"""A loan's life: asked for, handed over with a due date, reminded by the periodic jobs, overdue, returned.

Every move is tried from the state that allows it and from the states that do not.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from community.contributions import waiting_for
from community.models import AuditEntry, Notification
from community.periodic import run_due_jobs
from lending.models import Item, LendingError, Loan
from tests.factories import UserFactory
from tests.lending.helpers import desk_worker, make_item, make_loan, make_overdue

pytestmark = pytest.mark.django_db

JOB = "lending.remind_borrowers"


def at(day, hour=10):
    """A moment in the community's time zone: 2026-03-``day`` ``hour``:00."""
    return timezone.make_aware(datetime(2026, 3, day, hour), timezone.get_default_timezone())


def run_jobs_at(moment):
    with time_machine.travel(moment, tick=False):
        return dict((name, message) for name, ok, message in run_due_jobs(now=moment, only=[JOB]) if ok)


def titles(user):
    return list(Notification.objects.for_user(user).order_by("id").values_list("title", flat=True))


def labels(user):
    return {queue.label: queue for queue in waiting_for(user)}


def test_a_loan_lives_from_request_to_return_with_reminders_from_the_periodic_jobs():
    staff = desk_worker()
    resident = UserFactory(display_name="刘淑芬", email="")
    umbrella = make_item(name="雨伞", quantity=1, loan_days=7)

    with time_machine.travel(at(2, 9), tick=False):
        loan = Loan.request(item=umbrella, by=resident, note="下午来拿")
        assert Item.objects.with_availability().get(pk=umbrella.pk).available == 0
        assert "待借出的百宝箱物品" in labels(staff)
        loan.hand_over(by=staff, due_on=timezone.localdate() + timedelta(days=3))  # due back on 3-05
    loan.refresh_from_db()
    assert loan.status == Loan.Status.HANDED_OVER and loan.handed_over_by == staff
    assert titles(resident) == ["您借用的“雨伞”已借出，请在3月5日前归还。"]
    assert AuditEntry.objects.filter(action="loan.handed_over", actor=staff).exists()

    # Two days before: nothing. The day before (from 8:00 on): one reminder, never twice.
    assert run_jobs_at(at(3))[JOB] == "0 day-before reminders, 0 overdue reminders"
    assert run_jobs_at(at(4, 7))[JOB].startswith("0 day-before")
    assert run_jobs_at(at(4))[JOB] == "1 day-before reminders, 0 overdue reminders"
    assert run_jobs_at(at(4, 11))[JOB].startswith("0 day-before")
    assert titles(resident)[-1] == "提醒：您借用的“雨伞”明天（3月5日）到期。"

    # On the due date it is not overdue yet; the day after, it is, everywhere, and she is told once.
    with time_machine.travel(at(5, 20), tick=False):
        assert not Loan.objects.overdue().exists()
    assert run_jobs_at(at(5))[JOB] == "0 day-before reminders, 0 overdue reminders"
    assert run_jobs_at(at(6))[JOB] == "0 day-before reminders, 1 overdue reminders"
    assert titles(resident)[-1] == "您借用的“雨伞”已超过归还日期（3月5日），请尽快归还。"
    assert run_jobs_at(at(8))[JOB] == "0 day-before reminders, 0 overdue reminders"
    with time_machine.travel(at(8), tick=False):
        assert [row[0] for row in labels(staff)["逾期未还的百宝箱物品"].items] == ["雨伞 · 刘淑芬"]
        assert "借用的物品已过归还日期" in labels(resident)
        # Without email, and not having looked since: the overdue reminder is on the staff's call list.
        waiting_calls = Notification.objects.needing_a_call().filter(recipient=resident)
        assert "您借用的“雨伞”已超过归还日期（3月5日），请尽快归还。" in {n.title for n in waiting_calls}

        loan.record_return(by=staff, note="伞骨完好")
        assert not Loan.objects.overdue().exists()
        assert "逾期未还的百宝箱物品" not in labels(staff) and "借用的物品已过归还日期" not in labels(resident)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED and loan.returned_by == staff
    assert Item.objects.with_availability().get(pk=umbrella.pk).available == 1
    assert titles(resident)[-1] == "您借用的“雨伞”已归还，谢谢！"
    assert list(loan.transitions.values_list("to_status", flat=True)) == ["requested", "handed_over", "returned"]
    assert run_jobs_at(at(9))[JOB] == "0 day-before reminders, 0 overdue reminders"


def test_a_borrower_with_email_is_sent_the_reminder_by_email_too(settings):
    settings.EMAIL_ENABLED = True
    resident = UserFactory(email="liu@example.cn")
    with time_machine.travel(at(2), tick=False):
        loan = make_loan(borrower=resident, status="handed_over", due_on=timezone.localdate() + timedelta(days=1))
    run_jobs_at(at(2, 12))
    reminder = Notification.objects.for_user(resident).get(title__startswith="提醒")
    assert reminder.email_status == Notification.Email.PENDING
    assert reminder.url == loan.get_absolute_url()


def test_a_loan_handed_over_for_today_gets_no_day_before_reminder_but_the_overdue_one():
    with time_machine.travel(at(2), tick=False):
        loan = make_loan(status="handed_over", due_on=timezone.localdate())
    assert run_jobs_at(at(2, 15))[JOB].startswith("0 day-before")
    assert run_jobs_at(at(3))[JOB] == "0 day-before reminders, 1 overdue reminders"
    assert Notification.objects.for_user(loan.borrower).filter(title__contains="已超过归还日期").count() == 1


def test_requests_that_are_not_handed_over_are_never_reminded_or_overdue():
    make_loan()
    make_overdue(make_loan(status="returned"))
    assert not Loan.objects.overdue().exists()
    assert run_jobs_at(timezone.now().replace(hour=4) + timedelta(hours=8))[JOB].endswith("0 overdue reminders")


class TestMoves:
    def test_only_the_borrower_may_cancel_and_only_before_the_hand_over(self):
        loan = make_loan()
        with pytest.raises(LendingError, match="只有申请人"):
            loan.cancel(by=UserFactory())
        loan.cancel(by=loan.borrower)
        assert loan.status == Loan.Status.CANCELLED
        out = make_loan(status="handed_over")
        with pytest.raises(LendingError, match="已经借出的物品不能取消"):
            out.cancel(by=out.borrower)

    def test_declining_needs_a_reason_the_borrower_reads_and_frees_the_unit(self):
        item = make_item(quantity=1)
        loan = make_loan(item=item)
        with pytest.raises(LendingError, match="原因"):
            loan.decline(by=desk_worker(), reason="  ")
        loan.decline(by=desk_worker(), reason="送去维修了")
        assert Notification.objects.for_user(loan.borrower).get().body == "原因：送去维修了"
        assert Item.objects.available_now().filter(pk=item.pk).exists()

    @pytest.mark.parametrize("status", ["handed_over", "returned", "declined", "cancelled"])
    def test_only_a_request_is_handed_over_or_declined(self, status):
        loan = make_loan(status=status)
        with pytest.raises(LendingError):
            loan.hand_over(by=desk_worker(), due_on=timezone.localdate())
        with pytest.raises(LendingError):
            loan.decline(by=desk_worker(), reason="不行")
        loan.refresh_from_db()
        assert loan.status == status

    @pytest.mark.parametrize("status", ["requested", "returned", "declined", "cancelled"])
    def test_only_a_loan_that_is_out_comes_back(self, status):
        loan = make_loan(status=status)
        with pytest.raises(LendingError):
            loan.record_return(by=desk_worker())

    @pytest.mark.parametrize("days", [-1, 91])
    def test_the_due_date_is_from_today_to_ninety_days(self, days):
        loan = make_loan()
        with pytest.raises(LendingError):
            loan.hand_over(by=desk_worker(), due_on=timezone.localdate() + timedelta(days=days))
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.REQUESTED

    def test_a_resident_asks_once_per_item_and_for_at_most_three_things(self):
        resident = UserFactory()
        umbrella = make_item(name="雨伞", quantity=5)
        Loan.request(item=umbrella, by=resident)
        with pytest.raises(LendingError, match="不用重复申请"):
            Loan.request(item=umbrella, by=resident)
        Loan.request(item=make_item(name="老花镜"), by=resident)
        Loan.request(item=make_item(name="针线包"), by=resident)
        with pytest.raises(LendingError, match="请先归还一件再借"):
            Loan.request(item=make_item(name="轮椅"), by=resident)

    def test_nothing_is_lent_beyond_the_quantity_or_from_an_item_switched_off(self):
        item = make_item(quantity=1)
        make_loan(item=item)
        with pytest.raises(LendingError, match="刚刚借完了"):
            Loan.request(item=item, by=UserFactory())
        hidden = make_item(name="折叠梯", active=False)
        with pytest.raises(LendingError, match="不外借"):
            Loan.request(item=hidden, by=UserFactory())
        assert Loan.objects.filter(item=hidden).count() == 0

    def test_availability_counts_requests_and_loans_out_not_the_finished_ones(self):
        item = make_item(quantity=5)
        for status in ("requested", "handed_over", "returned", "declined", "cancelled"):
            make_loan(item=item, status=status)
        counted = Item.objects.with_availability().get(pk=item.pk)
        assert (counted.reserved, counted.available) == (2, 3)
        assert item.counted() == {"reserved": 2, "available": 3}
