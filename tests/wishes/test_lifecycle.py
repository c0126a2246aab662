"""The wish lifecycle: every allowed move, every forbidden one, limits, expiry and automatic confirmation."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from community.models import AuditEntry, Notification
from tests.factories import BuildingFactory, StaffFactory, UserFactory
from tests.wishes.helpers import make_member, make_volunteer, make_wish
from wishes.models import Wish, WishClaim, WishError, confirm_overdue, release_stale_claims

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return StaffFactory(groups=["审核员"])


def statuses(wish):
    return [(t.from_status, t.to_status) for t in wish.transitions.order_by("created", "id")]


class TestAllowedPath:
    def test_the_whole_path_is_recorded_and_notifies_the_right_people(self, reviewer):
        owner = UserFactory(display_name="王秀英")
        wish = make_wish(owner=owner, status=None)
        volunteer = make_volunteer()
        wish.publish(by=reviewer)
        wish.claim(by=volunteer)
        wish.fulfil(by=volunteer, note="米和油送到了")
        wish.confirm(by=owner, thanks="谢谢小伙子！")
        wish.refresh_from_db()
        assert wish.status == Wish.Status.CONFIRMED and wish.thanks == "谢谢小伙子！"
        assert statuses(wish) == [
            ("", "submitted"),
            ("submitted", "published"),
            ("published", "claimed"),
            ("claimed", "fulfilled"),
            ("fulfilled", "confirmed"),
        ]
        owner_news = list(Notification.objects.filter(recipient=owner).values_list("title", flat=True))
        assert any("通过审核" in t for t in owner_news) and any("已被认领" in t for t in owner_news)
        assert any("已经实现" in t for t in owner_news)
        assert Notification.objects.filter(recipient=volunteer, title__contains="确认收到").exists()
        assert AuditEntry.objects.filter(action="wish.published", actor=reviewer).exists()

    def test_a_reject_carries_the_reason_to_the_resident(self, reviewer):
        wish = make_wish(status=None)
        wish.reject(by=reviewer, reason="涉及金钱，不适合发布")
        assert wish.transitions.last().note == "涉及金钱，不适合发布"
        assert Notification.objects.get(recipient=wish.owner).body == "原因：涉及金钱，不适合发布"

    def test_the_resident_withdraws_while_under_review_or_published(self, reviewer):
        first = make_wish(status=None)
        first.withdraw(by=first.owner)
        second = make_wish(status=None)
        second.publish(by=reviewer)
        second.withdraw(by=second.owner)
        assert Wish.objects.get(pk=first.pk).status == Wish.objects.get(pk=second.pk).status == Wish.Status.WITHDRAWN

    def test_a_released_claim_keeps_its_history_and_the_wish_is_published_again(self):
        wish = make_wish()
        first, second = make_volunteer(), make_volunteer()
        wish.claim(by=first)
        wish.release(by=first, reason="临时出差")
        wish.claim(by=second)
        claims = list(WishClaim.objects.filter(wish=wish).order_by("created"))
        assert [c.claimant for c in claims] == [first, second]
        assert claims[0].end_reason == WishClaim.End.RELEASED and claims[0].note == "临时出差"
        assert claims[1].ended_at is None
        assert Wish.objects.get(pk=wish.pk).live_claim == claims[1]

    def test_staff_close_and_reopen_with_a_reason(self, reviewer):
        wish = make_wish()
        volunteer = make_volunteer()
        wish.claim(by=volunteer)
        wish.close(by=reviewer, reason="居民已搬走")
        wish.refresh_from_db()
        assert wish.status == Wish.Status.CLOSED and wish.live_claim is None
        assert WishClaim.objects.get().end_reason == WishClaim.End.CLOSED
        wish.reopen(by=reviewer, reason="居民回来了")
        assert Wish.objects.get(pk=wish.pk).status == Wish.Status.PUBLISHED

    def test_a_partner_unit_member_claims_for_the_unit(self):
        member, unit = make_member(unit_name="市委党校")
        wish = make_wish()
        claim = wish.claim(by=member, unit=unit)
        assert claim.unit == unit and claim.claimant_label == "市委党校"


class TestForbiddenMoves:
    @pytest.mark.parametrize(
        ("status", "move"),
        [
            ("submitted", "claim"),
            ("submitted", "fulfil"),
            ("submitted", "confirm"),
            ("published", "publish"),
            ("published", "fulfil"),
            ("published", "confirm"),
            ("published", "release"),
            ("claimed", "publish"),
            ("claimed", "withdraw"),
            ("claimed", "confirm"),
            ("claimed", "claim"),
            ("fulfilled", "claim"),
            ("fulfilled", "release"),
            ("fulfilled", "withdraw"),
            ("confirmed", "close"),
            ("confirmed", "confirm"),
            ("confirmed", "release"),
            ("rejected", "publish"),
            ("withdrawn", "claim"),
            ("closed", "claim"),
        ],
    )
    def test_an_illegal_move_is_refused_with_a_message_and_changes_nothing(self, reviewer, status, move):
        owner = UserFactory()
        claimant = make_volunteer()
        wish = make_wish(owner=owner, status=status, claimant=claimant, reviewer=reviewer)
        before = statuses(wish)
        actors = {
            "publish": lambda: wish.publish(by=reviewer),
            "claim": lambda: wish.claim(by=make_volunteer()),
            "fulfil": lambda: wish.fulfil(by=claimant),
            "confirm": lambda: wish.confirm(by=owner),
            "release": lambda: wish.release(by=claimant, reason="有事"),
            "withdraw": lambda: wish.withdraw(by=owner),
            "close": lambda: wish.close(by=reviewer, reason="重复"),
        }
        with pytest.raises(WishError) as refused:
            actors[move]()
        assert refused.value.message
        assert statuses(Wish.objects.get(pk=wish.pk)) == before
        assert Wish.objects.get(pk=wish.pk).status == status

    def test_nobody_claims_their_own_wish(self):
        owner = make_volunteer()
        wish = make_wish(owner=owner)
        with pytest.raises(WishError, match="不能认领自己发布的心愿"):
            wish.claim(by=owner)

    def test_a_resident_who_is_not_a_volunteer_cannot_claim(self):
        with pytest.raises(WishError, match="只有审核通过的志愿者、确认过身份的党员或共建单位的成员"):
            make_wish().claim(by=UserFactory())

    def test_a_member_cannot_claim_for_a_unit_they_do_not_belong_to(self):
        member, _unit = make_member(unit_name="区医保局")
        _other_member, other_unit = make_member(unit_name="区建设局")
        with pytest.raises(WishError, match="不是这个共建单位的成员"):
            make_wish().claim(by=member, unit=other_unit)

    def test_only_the_claimant_fulfils_or_releases(self):
        wish = make_wish()
        wish.claim(by=make_volunteer())
        stranger = make_volunteer()
        with pytest.raises(WishError, match="只有认领人"):
            wish.fulfil(by=stranger)
        with pytest.raises(WishError, match="只有认领人"):
            wish.release(by=stranger, reason="x")

    def test_only_the_resident_confirms(self):
        volunteer = make_volunteer()
        wish = make_wish(status="fulfilled", claimant=volunteer)
        with pytest.raises(WishError, match="只有发布心愿的居民可以确认"):
            wish.confirm(by=UserFactory())
        with pytest.raises(WishError, match="只有发布心愿的居民可以确认"):
            wish.confirm(by=volunteer)

    def test_a_release_or_reject_needs_a_reason(self, reviewer):
        with pytest.raises(WishError, match="原因"):
            make_wish(status=None).reject(by=reviewer, reason="  ")
        wish = make_wish()
        volunteer = make_volunteer()
        wish.claim(by=volunteer)
        with pytest.raises(WishError, match="原因"):
            wish.release(by=volunteer, reason="")

    def test_the_database_refuses_a_second_live_claim_whatever_the_code_path(self):
        wish = make_wish()
        wish.claim(by=make_volunteer())
        with pytest.raises(IntegrityError), transaction.atomic():
            WishClaim.objects.create(wish=wish, claimant=make_volunteer())

    def test_the_database_refuses_a_claimed_status_without_a_claim(self):
        wish = make_wish()
        with pytest.raises(IntegrityError), transaction.atomic():
            Wish.objects.filter(pk=wish.pk).update(status=Wish.Status.CLAIMED)


class TestLimits:
    def test_a_person_holds_at_most_n_open_claims(self, settings):
        settings.WISH_MAX_OPEN_CLAIMS = 2
        volunteer = make_volunteer()
        for _ in range(2):
            make_wish().claim(by=volunteer)
        with pytest.raises(WishError, match="已有 2 个心愿正在实现中"):
            make_wish().claim(by=volunteer)

    def test_claims_made_for_the_unit_count_for_every_member(self, settings):
        settings.WISH_MAX_OPEN_CLAIMS = 1
        first, unit = make_member(unit_name="供电公司")
        second, _same = make_member(unit=unit)
        make_wish().claim(by=first, unit=unit)
        with pytest.raises(WishError, match="正在实现中"):
            make_wish().claim(by=second, unit=unit)

    def test_a_resident_holds_at_most_m_open_wishes(self, settings):
        settings.WISH_MAX_OPEN_WISHES = 2
        owner = UserFactory()
        building = BuildingFactory()
        for _ in range(2):
            make_wish(owner=owner, status=None, building=building)
        with pytest.raises(WishError, match="已有 2 个心愿还没完成"):
            make_wish(owner=owner, status=None, building=building)


class TestPeriodicJobs:
    def test_a_stale_claim_is_released_and_both_sides_are_told(self, settings):
        settings.WISH_CLAIM_EXPIRY_DAYS = 7
        volunteer = make_volunteer()
        wish = make_wish()
        wish.claim(by=volunteer)
        assert release_stale_claims(timezone.now() + timedelta(days=6)) == 0
        with time_machine.travel(timezone.now() + timedelta(days=8)):
            assert release_stale_claims() == 1
        wish.refresh_from_db()
        assert wish.status == Wish.Status.PUBLISHED
        assert WishClaim.objects.get().end_reason == WishClaim.End.EXPIRED
        assert Notification.objects.filter(recipient=volunteer, title__contains="超过 7 天").exists()
        assert Notification.objects.filter(recipient=wish.owner, title__contains="超过 7 天").exists()

    def test_the_expiry_job_runs_through_the_job_runner(self, settings):
        from community.periodic import run_due_jobs

        wish = make_wish()
        wish.claim(by=make_volunteer())
        WishClaim.objects.update(
            created=timezone.now() - timedelta(days=30), counting_from=timezone.now() - timedelta(days=30)
        )
        results = dict((name, ok) for name, ok, _msg in run_due_jobs(only=["wishes.release_stale_claims"]))
        assert results == {"wishes.release_stale_claims": True}
        assert Wish.objects.get(pk=wish.pk).status == Wish.Status.PUBLISHED

    def test_a_fulfilled_wish_is_confirmed_automatically_after_n_days(self, settings):
        settings.WISH_AUTO_CONFIRM_DAYS = 7
        wish = make_wish(status="fulfilled", claimant=make_volunteer())
        assert confirm_overdue(timezone.now() + timedelta(days=3)) == 0
        assert confirm_overdue(timezone.now() + timedelta(days=8)) == 1
        wish.refresh_from_db()
        assert wish.status == Wish.Status.CONFIRMED
        assert "自动确认" in wish.transitions.last().note
