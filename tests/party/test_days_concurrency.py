"""One news draft per party day: the secretary and a staff member press 生成党群动态草稿 at the same moment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import Article
from party.models import PartyDay, PartyDayError
from tests.concurrency import run_together
from tests.factories import ColumnFactory, PartyBranchFactory, PartyDayFactory, StaffFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_drafts_make_exactly_one_article():
    ColumnFactory(slug="dangqun-dongtai", name="党群动态")
    branch = PartyBranchFactory(secretary=UserFactory())
    held = timezone.now() - timedelta(days=2)
    party_day = PartyDayFactory(
        activity__branch=branch,
        activity__starts_at=held,
        activity__ends_at=held + timedelta(hours=2),
        activity__signup_deadline=held - timedelta(days=1),
        summary="支部党员清理了楼道。",
        summary_at=held + timedelta(hours=3),
    )
    staff = StaffFactory(is_superuser=True)
    results = run_together(
        *(lambda by=by: PartyDay.objects.get(pk=party_day.pk).draft_article(by=by) for by in (branch.secretary, staff))
    )
    assert sum(isinstance(result, Article) for result in results) == 1
    assert [result.message for result in results if isinstance(result, PartyDayError)] == [
        "这次主题党日已经生成过新闻稿了。"
    ]
    assert Article.objects.count() == 1
    party_day.refresh_from_db()
    assert party_day.article == Article.objects.get()
