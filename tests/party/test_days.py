"""Grids, branch pages and the monthly party day (主题党日): plan → sign-up → check-in → summary → news draft →
published article, each step by the role that takes it, through the views."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from community.models import ContactView, Home, PartyMembership
from news.models import Article
from party.forms import suggested_party_day
from party.models import PartyDay, first_saturday, year_at_a_glance
from portal.dashboard import Period, grid_figures
from tests.factories import (
    BuildingFactory,
    ColumnFactory,
    PartnerUnitFactory,
    PartyBranchFactory,
    PartyDayFactory,
    PartyMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.images import upload
from tests.signing_in import sign_in
from volunteers.models import Activity, SignUp
from whistles.models import Category as ProblemCategory
from whistles.models import Whistle
from wishes.models import Wish

pytestmark = pytest.mark.django_db

DUTY_PHONE = "13912345678"


def aware(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def party_day_on(branch, day, **fields):
    """A party day of ``branch`` on ``day``, 9:00–11:00."""
    return PartyDayFactory(
        activity__branch=branch,
        activity__starts_at=aware(day, 9),
        activity__ends_at=aware(day, 11),
        activity__signup_deadline=aware(day - timedelta(days=1), 18),
        **fields,
    )


# --- The rules ------------------------------------------------------------------------------------------------------


def test_the_first_saturday_of_a_month():
    assert first_saturday(2026, 8) == date(2026, 8, 1)
    assert first_saturday(2026, 9) == date(2026, 9, 5)
    assert first_saturday(2026, 12) == date(2026, 12, 5)


def test_the_suggested_day_is_this_months_first_saturday_while_it_is_ahead_else_next_months():
    assert suggested_party_day(date(2026, 12, 1)) == date(2026, 12, 5)
    assert suggested_party_day(date(2026, 12, 5)) == date(2027, 1, 2)


def test_a_year_at_a_glance_tells_held_planned_missed_and_open_months():
    branch = PartyBranchFactory()
    member = PartyMembershipFactory(branch=branch).member
    with_summary = party_day_on(branch, date(2026, 1, 3), summary="学习。", summary_at=aware(date(2026, 1, 3), 12))
    with_attendance = party_day_on(branch, date(2026, 2, 7))
    SignUp.objects.create(activity=with_attendance.activity, person=member, attended=True, code="111111")
    party_day_on(branch, date(2026, 3, 7))  # over, nobody checked in: not held, March missed
    cancelled = party_day_on(branch, date(2026, 4, 4))
    Activity.objects.filter(pk=cancelled.activity_id).update(status=Activity.Status.CANCELLED)
    party_day_on(branch, date(2026, 6, 6))  # still to come
    now = aware(date(2026, 5, 20), 10)
    days = PartyDay.objects.of_branch_in(branch, 2026).select_related("activity")
    months = year_at_a_glance(days, 2026, now)
    states = [month.state for month in months]
    assert states == ["held", "held", "missed", "missed", "open", "planned"] + ["open"] * 6
    assert months[0].party_day == with_summary
    assert months[1].party_day == with_attendance


# --- The grid page --------------------------------------------------------------------------------------------------


@pytest.fixture
def grid_world():
    worker = StaffFactory(display_name="刘网格")
    building = BuildingFactory(name="团结巷5栋")
    grid = building.grid
    grid.grid_worker, grid.duty_phone, grid.description = worker, DUTY_PHONE, "团结巷一带"
    grid.save()
    branch = PartyBranchFactory(grid=grid, name="第一网格党支部", secretary=UserFactory(display_name="孙书记"))
    elsewhere = BuildingFactory(name="朝阳路9栋")
    staff = StaffFactory(is_superuser=True)
    base = {"description": "需要帮助。", "category": Wish.Category.GOODS, "needed_by": date.today() + timedelta(days=9)}
    owner = UserFactory()
    public = Wish.submit(by=owner, title="需要一把轮椅", building=building, contact_phone="13800000000", **base)
    public.publish(by=staff)
    Wish.submit(by=owner, title="还在审核的心愿", building=building, contact_phone="13800000000", **base)
    far = Wish.submit(by=owner, title="别的网格的心愿", building=elsewhere, contact_phone="13800000000", **base)
    far.publish(by=staff)
    Whistle.blow(
        by=staff,
        units=[PartnerUnitFactory()],
        title="修补路面",
        description="补坑",
        category=ProblemCategory.ROADS,
        building=building,
    )
    return {"grid": grid, "building": building, "branch": branch, "elsewhere": elsewhere, "worker": worker}


def test_the_grid_page_shows_its_worker_branch_buildings_and_what_happened_with_the_phone_masked(client, grid_world):
    response = client.get(reverse("grid", kwargs={"pk": grid_world["grid"].pk}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "刘**" in text and "139****5678" in text and DUTY_PHONE not in text and "tel:" + DUTY_PHONE not in text
    assert "第一网格党支部" in text and grid_world["branch"].get_absolute_url() in text
    assert "团结巷5栋" in text and "团结巷一带" in text
    assert "需要一把轮椅" in text and "修补路面" in text
    assert "还在审核的心愿" not in text and "别的网格的心愿" not in text


def test_a_resident_whose_confirmed_home_is_in_the_grid_sees_the_full_phone_and_the_view_is_recorded(
    client, grid_world
):
    resident = UserFactory()
    home = Home.set_for(resident, building=grid_world["building"], unit="1", room="101")
    url = reverse("grid", kwargs={"pk": grid_world["grid"].pk})
    sign_in(client, resident)
    assert DUTY_PHONE not in client.get(url).content.decode()  # not confirmed yet
    home.confirm(by=grid_world["worker"])
    text = client.get(url).content.decode()
    assert f'href="tel:{DUTY_PHONE}"' in text
    assert ContactView.objects.filter(subject=grid_world["worker"], viewer=resident).exists()


def test_a_resident_of_another_grid_sees_the_phone_masked(client, grid_world):
    resident = UserFactory()
    home = Home.set_for(resident, building=grid_world["elsewhere"], unit="1", room="101")
    home.confirm(by=StaffFactory(is_superuser=True))
    sign_in(client, resident)
    text = client.get(reverse("grid", kwargs={"pk": grid_world["grid"].pk})).content.decode()
    assert DUTY_PHONE not in text and "139****5678" in text


def test_staff_see_the_full_phone(client, grid_world):
    sign_in(client, StaffFactory())
    assert DUTY_PHONE in client.get(reverse("grid", kwargs={"pk": grid_world["grid"].pk})).content.decode()


def test_the_grid_index_leads_to_each_grid(client, grid_world):
    text = client.get(reverse("grids")).content.decode()
    assert grid_world["grid"].get_absolute_url() in text and "刘**" in text


# --- The branch page ------------------------------------------------------------------------------------------------


def test_the_branch_page_shows_the_number_of_members_no_names_and_the_years_months(client):
    branch = PartyBranchFactory(description="团结巷党员之家。", secretary=UserFactory(display_name="孙书记"))
    for name in ("周党员", "吴党员"):
        PartyMembershipFactory(branch=branch, member=UserFactory(display_name=name))
    PartyMembershipFactory(branch=branch, status="declared", member=UserFactory(display_name="郑申报"))
    year = timezone.localdate().year
    party_day_on(
        branch, first_saturday(year, 1), theme="学习党章", summary="学了。", summary_at=aware(date(year, 1, 3))
    )
    text = client.get(branch.get_absolute_url()).content.decode()
    assert "孙**" in text and "团结巷党员之家" in text
    assert "周党员" not in text and "郑申报" not in text
    assert "<dt>党员</dt><dd>2</dd>" in text
    assert "学习党章" in text and text.count('class="party-month ') == 12
    last_year = client.get(branch.get_absolute_url() + f"?year={year - 1}").content.decode()
    assert "学习党章" not in last_year and f"{year - 1}年主题党日" in last_year


def test_only_the_secretary_and_staff_who_manage_activities_may_plan(client):
    branch = PartyBranchFactory(secretary=UserFactory())
    url = reverse("party:plan_party_day", kwargs={"pk": branch.pk})
    assert client.get(url).status_code == 302
    sign_in(client, UserFactory())
    assert client.get(url).status_code == 404
    sign_in(client, StaffFactory(groups=["编辑"]))
    assert client.get(url).status_code == 404
    sign_in(client, branch.secretary)
    assert client.get(url).status_code == 200
    other = PartyBranchFactory(secretary=UserFactory())
    assert client.get(reverse("party:plan_party_day", kwargs={"pk": other.pk})).status_code == 404


# --- The whole path -------------------------------------------------------------------------------------------------


def plan_data(day, **changes):
    data = {
        "day": day.isoformat(),
        "start": "09:00",
        "end": "11:00",
        "theme": "垃圾分类我先行",
        "priority": "environment",
        "place": "社区党群服务中心二楼",
        "capacity": "20",
        "deadline_day": (day - timedelta(days=1)).isoformat(),
        "description": "",
    }
    return data | changes


def test_a_party_day_from_plan_to_published_article(client, media):
    column = ColumnFactory(slug="dangqun-dongtai", name="党群动态")
    secretary = UserFactory(display_name="孙立平")
    branch = PartyBranchFactory(secretary=secretary, name="第一网格党支部")
    member = PartyMembershipFactory(branch=branch).member
    resident = UserFactory()
    editor = StaffFactory(groups=["编辑"])
    day = suggested_party_day()

    # The secretary plans it from the branch page.
    sign_in(client, secretary)
    assert reverse("party:plan_party_day", kwargs={"pk": branch.pk}) in client.get(branch.get_absolute_url()).text
    response = client.post(reverse("party:plan_party_day", kwargs={"pk": branch.pk}), plan_data(day))
    party_day = PartyDay.objects.get()
    activity = party_day.activity
    assert response.status_code == 302 and response.url == activity.get_absolute_url()
    assert (activity.branch, activity.audience, timezone.localtime(activity.starts_at).date()) == (branch, "party", day)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "垃圾分类我先行" in page and "人居环境整治" in page and branch.get_absolute_url() in page

    # A resident who is no party member is told who may sign up, and is refused; the member signs up.
    sign_in(client, resident)
    assert "只有确认过身份的党员可以报名" in client.get(activity.get_absolute_url()).content.decode()
    client.post(reverse("volunteers:sign_up", kwargs={"pk": activity.pk}))
    assert not SignUp.objects.filter(person=resident).exists()
    sign_in(client, member)
    assert "我要报名" in client.get(activity.get_absolute_url()).content.decode()
    client.post(reverse("volunteers:sign_up", kwargs={"pk": activity.pk}))
    signup = SignUp.objects.get(person=member)

    # On the day the secretary checks her in and closes the check-in.
    with time_machine.travel(activity.starts_at + timedelta(minutes=5), tick=False):
        sign_in(client, secretary)
        assert client.get(reverse("volunteers:check_in", kwargs={"pk": activity.pk})).status_code == 200
        client.post(reverse("volunteers:mark_present", kwargs={"pk": activity.pk, "signup_pk": signup.pk}))
    with time_machine.travel(activity.ends_at + timedelta(minutes=5), tick=False):
        client.post(reverse("volunteers:close_check_in", kwargs={"pk": activity.pk}))
        signup.refresh_from_db()
        assert signup.attended
        assert PartyDay.objects.with_attendance().get().state() == "held"

        # Afterwards: the summary and a photo, then the news draft.
        summary_url = reverse("party:party_day_summary", kwargs={"pk": party_day.pk})
        assert summary_url in client.get(activity.get_absolute_url()).content.decode()
        response = client.post(
            summary_url, {"summary": "支部党员清理了楼道。\n\n大家分享了垃圾分类的做法。", "photo_1": upload()}
        )
        assert response.status_code == 302
        party_day.refresh_from_db()
        assert party_day.summary_at and party_day.photos.count() == 1
        client.post(reverse("party:party_day_article", kwargs={"pk": party_day.pk}))
        party_day.refresh_from_db()
        article = party_day.article
        assert (article.status, article.column, article.source) == (Article.Status.DRAFT, column, "第一网格党支部")
        assert "垃圾分类我先行" in article.title and "清理了楼道" in article.body and "<img" in article.body
        client.post(reverse("party:party_day_article", kwargs={"pk": party_day.pk}))
        assert Article.objects.count() == 1  # asked twice, one draft

        # The draft is not public; the editor publishes it with the admin's action; it shows in 党群动态.
        client.logout()
        assert client.get(article.get_absolute_url()).status_code == 404
        sign_in(client, editor)
        response = client.post(
            reverse("admin:news_article_changelist"), {"action": "publish_now", "_selected_action": [article.pk]}
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.is_visible, article.status
        client.logout()
        column_page = client.get(column.get_absolute_url()).content.decode()
        assert article.title in column_page
        assert "清理了楼道" in client.get(article.get_absolute_url()).content.decode()


def test_bad_plans_are_refused_with_a_message_and_nothing_is_saved(client):
    branch = PartyBranchFactory(secretary=UserFactory())
    sign_in(client, branch.secretary)
    url = reverse("party:plan_party_day", kwargs={"pk": branch.pk})
    day = suggested_party_day()
    cases = [
        (plan_data(day, end="08:00"), "结束时间要晚于开始时间"),
        (plan_data(date.today() - timedelta(days=3)), "请选今天以后的日期"),
        (plan_data(day, deadline_day=(day + timedelta(days=2)).isoformat()), "报名截止不能晚于活动当天"),
        (plan_data(day, capacity="0"), "capacity"),
        ({**plan_data(day, theme=""), "day": "2026-02-30"}, "theme"),
        (plan_data(day, theme="长" * 500, place="<script>alert(1)</script>"), "theme"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        text = response.content.decode()
        assert message in text or f'id="error_1_id_{message}"' in text or "is-invalid" in text
        assert "<script>alert(1)</script>" not in text
    assert not PartyDay.objects.exists() and not Activity.objects.exists()


def test_a_summary_cannot_be_written_before_the_day_nor_by_another_member(client):
    branch = PartyBranchFactory(secretary=UserFactory())
    party_day = PartyDayFactory(activity__branch=branch)
    url = reverse("party:party_day_summary", kwargs={"pk": party_day.pk})
    sign_in(client, PartyMembershipFactory(branch=branch).member)
    assert client.get(url).status_code == 404
    assert client.post(reverse("party:party_day_article", kwargs={"pk": party_day.pk})).status_code == 404
    sign_in(client, branch.secretary)
    response = client.post(url, {"summary": "写早了。"})
    assert response.status_code == 200 and "还没开始" in response.content.decode()
    party_day.refresh_from_db()
    assert party_day.summary == "" and party_day.summary_at is None


def test_no_draft_without_a_summary(client):
    ColumnFactory(slug="dangqun-dongtai")
    branch = PartyBranchFactory(secretary=UserFactory())
    party_day = party_day_on(branch, timezone.localdate() - timedelta(days=3))
    sign_in(client, branch.secretary)
    client.post(reverse("party:party_day_article", kwargs={"pk": party_day.pk}))
    assert not Article.objects.exists()
    assert PartyMembership.objects.count() == 0


# --- The dashboard by grid ------------------------------------------------------------------------------------------


def test_the_dashboard_breaks_figures_down_by_grid(client, grid_world):
    other = BuildingFactory(name="朝阳路1栋").grid
    resident = UserFactory()
    Home.set_for(resident, building=grid_world["building"], unit="1", room="101").confirm(by=grid_world["worker"])
    Home.set_for(UserFactory(), building=grid_world["building"], unit="1", room="102")  # not confirmed
    branch = grid_world["branch"]
    member = PartyMembershipFactory(branch=branch).member
    today = timezone.localdate()
    held = party_day_on(branch, today - timedelta(days=2))
    SignUp.objects.create(activity=held.activity, person=member, attended=True, code="222222")
    party_day_on(branch, today - timedelta(days=1))  # nobody came
    rows = {row["name"]: row for row in grid_figures(Period(today - timedelta(days=10), today))}
    mine = rows[grid_world["grid"].name]
    assert (mine["wishes"], mine["whistles"], mine["branch_events"], mine["party_days_held"]) == (2, 1, 2, 1)
    assert mine["confirmed_homes"] == 1
    assert rows[other.name]["wishes"] == 0 and rows[other.name]["confirmed_homes"] == 0
    sign_in(client, StaffFactory(is_superuser=True))
    page = client.get(reverse("dashboard")).content.decode()
    assert "按网格" in page and grid_world["grid"].get_absolute_url() in page


def test_the_secretarys_workbench_leads_to_planning_and_the_summaries_due(client):
    branch = PartyBranchFactory(secretary=UserFactory())
    due = party_day_on(branch, timezone.localdate() - timedelta(days=3), theme="消防安全大排查")
    sign_in(client, branch.secretary)
    page = client.get(reverse("me")).content.decode()
    assert reverse("party:plan_party_day", kwargs={"pk": branch.pk}) in page
    assert reverse("party:party_day_summary", kwargs={"pk": due.pk}) in page
    sign_in(client, UserFactory())
    page = client.get(reverse("me")).content.decode()
    assert reverse("party:plan_party_day", kwargs={"pk": branch.pk}) not in page
    assert reverse("party:party_day_summary", kwargs={"pk": due.pk}) not in page


def test_a_confirmed_member_finds_his_branchs_next_party_day_on_his_workbench(client):
    branch = PartyBranchFactory()
    party_day = PartyDayFactory(activity__branch=branch, theme="冬季防火进万家")
    member = PartyMembershipFactory(branch=branch).member
    declared = PartyMembershipFactory(branch=branch, status="declared").member
    sign_in(client, member)
    assert party_day.activity.get_absolute_url() in client.get(reverse("me")).content.decode()
    sign_in(client, declared)
    assert party_day.activity.get_absolute_url() not in client.get(reverse("me")).content.decode()
