"""The staff dashboard and exports: hand-counted figures, month boundaries in Shanghai, safety of exports."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import AuditEntry
from portal import dashboard
from tests.factories import ActivityFactory, BuildingFactory, StaffFactory, TeamFactory, UserFactory, VolunteerFactory
from tests.signing_in import sign_in
from volunteers.models import ServiceHourRecord
from wishes.models import Wish, WishClaim

pytestmark = pytest.mark.django_db

NOVEMBER = dashboard.Period(date(2026, 11, 1), date(2026, 11, 30))


def shanghai(*args):
    """A moment given in Shanghai wall-clock time, as UTC."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=8)


def wish_row(
    title,
    *,
    created,
    category=Wish.Category.GOODS,
    status=Wish.Status.SUBMITTED,
    published=None,
    fulfilled=None,
    **extra,
):
    """A wish row with given timestamps (history written directly, for counting)."""
    wish = Wish.objects.create(
        title=title,
        description="需要帮助的详细说明。",
        category=category,
        building=extra.pop("building", None) or BuildingFactory(),
        needed_by=date(2026, 12, 31),
        owner=extra.pop("owner", None) or UserFactory(),
        contact_phone=extra.pop("phone", "13812345678"),
        status=Wish.Status.SUBMITTED,
        **extra,
    )
    Wish.objects.filter(pk=wish.pk).update(created=created, published_at=published, fulfilled_at=fulfilled)
    return wish


@pytest.fixture
def fixture_data():
    """Hand-counted: the edges of November in Shanghai are the traps."""
    # 23:30 on 31 October in Shanghai: October, not November.
    wish_row("十月的心愿", created=shanghai(2026, 10, 31, 23, 30))
    # 00:10 on 1 November in Shanghai (still 31 October in UTC): November.
    wish_row("十一月第一个", created=shanghai(2026, 11, 1, 0, 10), category=Wish.Category.REPAIR)
    wish_row("十一月第二个", created=shanghai(2026, 11, 15, 9, 0), published=shanghai(2026, 11, 15, 10, 0))
    # Created in November, published on 1 December 00:30 in Shanghai: published counts in December.
    wish_row("跨月发布", created=shanghai(2026, 11, 30, 23, 0), published=shanghai(2026, 12, 1, 0, 30))
    claimed = wish_row(
        "已认领",
        created=shanghai(2026, 11, 2, 8, 0),
        category=Wish.Category.HEALTH,
        published=shanghai(2026, 11, 2, 9, 0),
        fulfilled=shanghai(2026, 11, 5, 9, 0),
    )
    claim = WishClaim.objects.create(wish=claimed, claimant=VolunteerFactory().user)
    WishClaim.objects.filter(pk=claim.pk).update(created=shanghai(2026, 11, 3, 9, 0))  # 24 h after publishing
    Wish.objects.filter(pk=claimed.pk).update(status=Wish.Status.FULFILLED, live_claim=claim)

    team = TeamFactory(name="卫生保洁协会")
    activity = ActivityFactory(team=team, starts_at=shanghai(2026, 11, 10, 9, 0), ends_at=shanghai(2026, 11, 10, 11, 0))
    helper = VolunteerFactory(real_name="孙丽萍", phone="13900001111")
    ServiceHourRecord.objects.create(
        volunteer=helper, activity=activity, hours=2, served_on=date(2026, 11, 10), kind="attendance"
    )
    ServiceHourRecord.objects.create(
        volunteer=helper,
        activity=activity,
        hours=Decimal("0.5"),
        served_on=date(2026, 11, 10),
        kind="adjustment",
        reason="提前布置",
    )
    ServiceHourRecord.objects.create(
        volunteer=helper, activity=activity, hours=3, served_on=date(2026, 10, 31), kind="attendance"
    )
    return {"claimed": claimed, "team": team, "helper": helper}


def test_the_wish_figures_match_a_hand_count_in_shanghai_time(fixture_data):
    data = dashboard.dashboard(NOVEMBER)
    assert data["wishes"]["totals"] == {"submitted": 4, "published": 2, "claimed": 1, "fulfilled": 1, "confirmed": 0}
    assert dict(data["wishes"]["by_month"])["2026-11"]["submitted"] == 4
    categories = {row["label"]: row["value"] for row in data["wishes"]["by_category"]}
    assert categories == {"生活物资": 2, "家电维修": 1, "医疗健康": 1}
    assert data["wishes"]["medians"]["publish_to_claim"] == pytest.approx(24.0)
    assert data["wishes"]["medians"]["claim_to_fulfil"] == pytest.approx(48.0)


def test_the_volunteer_figures_match_a_hand_count(fixture_data):
    data = dashboard.dashboard(NOVEMBER)
    assert data["volunteers"]["counts"]["hours"] == Decimal("2.50")
    assert data["volunteers"]["counts"]["active_volunteers"] == 2  # the attendee and the wish's claimant
    assert [(row["label"], row["value"]) for row in data["volunteers"]["hours_by_team"]] == [
        ("卫生保洁协会", Decimal("2.50"))
    ]


def test_the_to_do_list_has_wishes_awaiting_review_and_stale_ones(fixture_data):
    stale = wish_row("没人认领", created=shanghai(2026, 1, 1, 9, 0))
    Wish.objects.filter(pk=stale.pk).update(status=Wish.Status.PUBLISHED, published_at=shanghai(2026, 1, 2, 9, 0))
    fresh = wish_row("刚发布", created=shanghai(2026, 11, 20, 9, 0))
    Wish.objects.filter(pk=fresh.pk).update(status=Wish.Status.PUBLISHED, published_at=datetime.now(UTC))
    titles = {row["title"] for row in dashboard.wish_todo()}
    assert "没人认领" in titles and "十一月第一个" in titles and "刚发布" not in titles


def test_top_activities_are_ranked_by_attendance_and_skip_those_nobody_attended(fixture_data):
    from volunteers.models import SignUp

    def activity(title, day, attended, absent=0, month=11):
        activity = ActivityFactory(
            title=title, starts_at=shanghai(2026, month, day, 9, 0), ends_at=shanghai(2026, month, day, 11, 0)
        )
        for index in range(attended + absent):
            SignUp.objects.create(activity=activity, volunteer=VolunteerFactory(), attended=index < attended)
        return activity

    activity("楼道清扫", 12, attended=2, absent=3)
    activity("义诊", 13, attended=4)
    activity("无人到场", 14, attended=0, absent=5)
    activity("十月的活动", 31, attended=9, month=10)
    top = dashboard.dashboard(NOVEMBER)["volunteers"]["top_activities"]
    assert [(row["title"], row["attended"]) for row in top] == [("义诊", 4), ("楼道清扫", 2)]


def test_the_most_read_articles_add_up_the_days_in_the_range(fixture_data):
    from news.models import ArticleRead
    from tests.factories import ArticleFactory

    popular, steady, draft = ArticleFactory(title="热门"), ArticleFactory(title="常读"), ArticleFactory(title="草稿")
    draft.status = "draft"
    draft.save()
    for article, day, count in (
        (popular, date(2026, 11, 3), 50),
        (popular, date(2026, 10, 31), 500),  # October: not counted
        (steady, date(2026, 11, 1), 30),
        (steady, date(2026, 11, 30), 30),
        (draft, date(2026, 11, 2), 900),  # not published: not listed
    ):
        ArticleRead.objects.create(article=article, day=day, count=count)
    top = dashboard.dashboard(NOVEMBER)["news"]["top_read"]
    assert [(row["title"], row["reads"]) for row in top] == [("常读", 60), ("热门", 50)]


def test_the_to_do_list_is_oldest_first_and_limited(fixture_data):
    for day in range(1, 6):
        wish = wish_row(f"旧心愿{day}", created=shanghai(2026, 1, day, 9, 0))
        Wish.objects.filter(pk=wish.pk).update(status=Wish.Status.PUBLISHED, published_at=shanghai(2026, 1, day, 10, 0))
    waiting = wish_row("待审核的老心愿", created=shanghai(2026, 1, 3, 12, 0))
    assert waiting.status == Wish.Status.SUBMITTED
    titles = [row["title"] for row in dashboard.wish_todo(limit=4)]
    assert titles == ["旧心愿1", "旧心愿2", "旧心愿3", "待审核的老心愿"]


class TestAccess:
    @pytest.mark.parametrize("who", ["anonymous", "resident", "volunteer", "unit member"])
    def test_non_staff_get_403_for_the_dashboard_and_exports(self, client, who):
        from tests.wishes.helpers import make_member

        people = {
            "resident": UserFactory,
            "volunteer": lambda: VolunteerFactory().user,
            "unit member": lambda: make_member()[0],
        }
        if who != "anonymous":
            sign_in(client, people[who]())
        for url in (reverse("dashboard"), reverse("export", kwargs={"kind": "wishes", "fmt": "csv"})):
            response = client.get(url)
            assert response.status_code in ((302, 403) if who == "anonymous" else (403,)), url
            assert b"HYPERLINK" not in response.content

    def test_staff_see_the_dashboard_in_a_small_fixed_number_of_queries(self, client, fixture_data, html_checker):
        sign_in(client, StaffFactory(groups=["审核员"]))
        client.get(reverse("me"))  # the first page after logging in also refreshes the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboard"), {"start": "2026-11-01", "end": "2026-11-30"})
        assert response.status_code == 200
        assert len(queries) <= 15, [q["sql"][:80] for q in queries]
        html_checker.assert_valid(response.text, "dashboard")


def test_the_dashboard_is_kept_until_something_it_counts_changes(
    client, fixture_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the fixture's changes, and the wish's building
        building, owner = BuildingFactory(), UserFactory()
    sign_in(client, StaffFactory(groups=["审核员"]))
    client.get(reverse("me"))  # the first page after logging in also refreshes the session
    november = {"start": "2026-11-01", "end": "2026-11-30"}

    def submitted():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboard"), november)
        return response.context["data"]["wishes"]["totals"]["submitted"], len(queries)

    first, built = submitted()
    again, kept = submitted()
    assert again == first and kept < built  # its figures came from the cache
    with django_capture_on_commit_callbacks(execute=True):
        wish_row("看板看过之后的心愿", created=shanghai(2026, 11, 20, 9, 0), building=building, owner=owner)
    assert submitted()[0] == first + 1


class TestExports:
    @pytest.fixture
    def hostile(self, fixture_data):
        wish_row('=HYPERLINK("http://evil.example","点我")', created=shanghai(2026, 11, 20, 9, 0), phone="13955556666")
        wish_row("+1+1", created=shanghai(2026, 11, 21, 9, 0))
        wish_row("@SUM(A1)", created=shanghai(2026, 11, 22, 9, 0))
        return fixture_data

    def get(self, client, fmt, kind="wishes", **params):
        return client.get(
            reverse("export", kwargs={"kind": kind, "fmt": fmt}), {"start": "2026-11-01", "end": "2026-11-30", **params}
        )

    def test_csv_is_utf8_with_bom_and_formulas_are_inert(self, client, hostile):
        sign_in(client, StaffFactory(groups=["审核员"]))
        response = self.get(client, "csv")
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:4] == ["编号", "标题", "类别", "状态"]
        titles = [row[1] for row in rows[1:]]
        assert '\'=HYPERLINK("http://evil.example","点我")' in titles
        assert "'+1+1" in titles and "'@SUM(A1)" in titles
        assert not any(t.startswith(("=", "+", "@", "-")) for t in titles)
        assert "139****6666" in response.content.decode("utf-8-sig")
        assert "13955556666" not in response.content.decode("utf-8-sig")

    def test_xlsx_opens_with_the_expected_headers_and_inert_text(self, client, hostile):
        sign_in(client, StaffFactory(groups=["审核员"]))
        response = self.get(client, "xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:6] == ("编号", "标题", "类别", "状态", "楼栋", "居民")
        assert len(rows) == 1 + 7  # four November wishes from the fixture and the three hostile ones
        for cell in sheet["B"][1:]:
            assert cell.data_type == "s", cell.value
        assert '\'=HYPERLINK("http://evil.example","点我")' in [row[1] for row in rows]

    def test_full_phone_numbers_need_the_permission_and_are_recorded(self, client, hostile):
        sign_in(client, StaffFactory(groups=["审核员"]))
        assert "13955556666" not in self.get(client, "csv", full="1").content.decode("utf-8-sig")
        assert not AuditEntry.objects.filter(action="export.full").exists()
        grid_worker = StaffFactory(groups=["网格员"])
        sign_in(client, grid_worker)
        assert "13955556666" in self.get(client, "csv", full="1").content.decode("utf-8-sig")
        assert AuditEntry.objects.get(action="export.full").actor == grid_worker

    def test_hours_and_attendance_exports(self, client, fixture_data):
        sign_in(client, StaffFactory(groups=["审核员"]))
        hours = list(csv.reader(io.StringIO(self.get(client, "csv", kind="hours").content.decode("utf-8-sig"))))
        assert hours[0] == ["志愿者", "手机号", "服务队", "活动", "服务日期", "时长（小时）", "类型", "原因"]
        assert [row[5] for row in hours[1:]] == ["2.0", "0.5"]
        assert hours[1][0] == "孙**" and hours[1][1] == "139****1111"
        sheet = openpyxl.load_workbook(io.BytesIO(self.get(client, "xlsx", kind="attendance").content)).active
        assert next(sheet.iter_rows(values_only=True))[:3] == ("活动", "服务队", "开始时间")


@pytest.mark.django_db(transaction=True)
def test_at_100000_wishes_the_dashboard_fetches_no_wish_rows(client):
    """Seeded with SQL (generate_series); every query touching wishes must aggregate or be the short to-do list."""
    owner, building = UserFactory(), BuildingFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO wishes_wish (title, description, category, needed_by, building_id, owner_id, resident_name,
                consent_note, health_consent, contact_phone, contact_address, status, fulfil_note, thanks,
                thanks_hidden_reason, fulfilment_hidden_reason, created, updated, published_at, fulfilled_at, search_text)
            SELECT '心愿' || n, '说明', (ARRAY['goods','repair','health','other'])[1 + n %% 4], '2026-12-31', %s, %s, '',
                   '', false, '13812345678', '', CASE WHEN n %% 3 = 0 THEN 'published' ELSE 'submitted' END, '', '',
                   '', '', now() - (n || ' minutes')::interval, now(),
                   CASE WHEN n %% 3 = 0 THEN now() - (n || ' minutes')::interval END, NULL, ''
            FROM generate_series(1, 100000) AS n
            """,
            [building.pk, owner.pk],
        )
    sign_in(client, StaffFactory(groups=["审核员"]))
    client.get(reverse("me"))  # the first page after logging in also refreshes the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"), {"preset": "this_year"})
    assert response.status_code == 200
    assert len(queries) <= 15
    touching = [q["sql"] for q in queries if "wishes_wish" in q["sql"]]
    assert touching
    for sql in touching:
        aggregates = any(word in sql for word in ("COUNT(", "percentile_cont", "SUM("))
        assert aggregates or "LIMIT 20" in sql, sql[:200]
    assert response.context["data"]["wishes"]["totals"]["submitted"] >= 60000


@pytest.mark.django_db
def test_the_unit_table_lists_a_unit_whose_calls_all_fall_outside_the_period():
    from tests.factories import PartnerUnitFactory
    from whistles.models import Category, Whistle

    unit = PartnerUnitFactory(name="区建设局")
    Whistle.blow(
        by=StaffFactory(is_superuser=True),
        units=[unit],
        title="修补路面",
        description="补坑。",
        category=Category.ROADS,
        building=BuildingFactory(),
    )
    last_year = dashboard.Period(date(2020, 1, 1), date(2020, 12, 31))
    rows = {row["name"]: row for row in dashboard.unit_figures(last_year)}
    assert "区建设局" in rows
    assert rows["区建设局"]["called"] == 0 and rows["区建设局"]["wishes_fulfilled"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01", "9999-12-31"), ("1999-12-31", "2026-01-31"), ("2026-02-01", "2026-01-01")],
)
def test_dates_out_of_range_get_a_clear_message_and_keep_what_was_typed(client, start, end):
    sign_in(client, StaffFactory(is_superuser=True))
    response = client.get(reverse("dashboard"), {"start": start, "end": end})
    assert response.status_code == 200
    page = response.text
    assert "下面显示的是本月的数字。" in page
    assert "请选择" in page or "结束日期不能早于开始日期。" in page
    assert f'value="{start}"' in page and f'value="{end}"' in page
    for kind in ("wishes", "hours"):
        export = client.get(reverse("export", kwargs={"kind": kind, "fmt": "csv"}), {"start": start, "end": end})
        assert export.status_code == 302 and export["Location"].startswith(reverse("dashboard"))
