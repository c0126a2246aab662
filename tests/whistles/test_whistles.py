"""The red whistle: reports, whistles, report-ins, deadlines, closing the loop, ratings, permissions."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from community.models import Notification
from tests.factories import (
    BuildingFactory,
    PartnerUnitFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    add_member,
)
from tests.images import image_bytes, upload
from tests.signing_in import sign_in
from volunteers.models import PartnerMembership
from whistles.models import (
    Category,
    ProblemReport,
    Rating,
    Whistle,
    WhistleCall,
    WhistleError,
    notify_overdue,
    unit_responsiveness,
)

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def member_of(unit):
    user = UserFactory()
    PartnerMembership.objects.create(unit=unit, user=user)
    return user


@pytest.fixture
def triager():
    return StaffFactory(groups=["网格员"])


@pytest.fixture
def story(triager):
    """A report and a whistle calling two units, each with a member."""
    reporter = UserFactory()
    report = ProblemReport.submit(
        by=reporter,
        category=Category.SANITATION,
        description="楼后堆满垃圾。",
        building=BuildingFactory(),
        contact_phone=PHONE,
    )
    first, second = PartnerUnitFactory(name="区建设局"), PartnerUnitFactory(name="供电所")
    members = (member_of(first), member_of(second))
    whistle = Whistle.blow(
        by=triager,
        units=[first, second],
        reports=[report],
        title="清理楼后卫生死角",
        description="清运垃圾。",
        category=Category.SANITATION,
        building=report.building,
    )
    return {"reporter": reporter, "report": report, "whistle": whistle, "units": (first, second), "members": members}


class TestLifecycle:
    def test_the_whole_loop_from_report_to_rating(self, story, triager):
        whistle, reporter = story["whistle"], story["reporter"]
        assert Notification.objects.filter(recipient=story["members"][0], title__contains="红哨子").exists()
        for unit, member in zip(story["units"], story["members"], strict=True):
            call = whistle.calls.get(unit=unit)
            call.report_in(by=member, people=3)
            call.post_update(by=member, text="正在清运。")
            call.mark_done(by=member)
        assert Whistle.objects.get(pk=whistle.pk).status == Whistle.Status.IN_PROGRESS
        whistle.close(by=triager, summary="垃圾已清运，空地已平整。")
        assert ProblemReport.objects.get(pk=story["report"].pk).status == ProblemReport.Status.RESOLVED
        assert Notification.objects.filter(recipient=reporter, title__contains="请评价").exists()
        whistle.rate(by=reporter, score=Rating.Score.SATISFIED, comment="谢谢！")
        assert [t.to_status for t in whistle.transitions.all()] == ["called", "in_progress", "closed"]

    def test_closing_before_every_unit_is_done_is_refused(self, story, triager):
        whistle = story["whistle"]
        call = whistle.calls.get(unit=story["units"][0])
        call.report_in(by=story["members"][0], people=2)
        call.mark_done(by=story["members"][0])
        with pytest.raises(WhistleError, match="还有单位没有完成：供电所"):
            whistle.close(by=triager, summary="好了")
        assert Whistle.objects.get(pk=whistle.pk).status == Whistle.Status.IN_PROGRESS

    def test_an_unsatisfied_rating_reopens_the_whistle_for_staff(self, story, triager):
        whistle = story["whistle"]
        for unit, member in zip(story["units"], story["members"], strict=True):
            call = whistle.calls.get(unit=unit)
            call.report_in(by=member, people=1)
            call.mark_done(by=member)
        whistle.close(by=triager, summary="已处理")
        whistle.rate(by=story["reporter"], score=Rating.Score.UNSATISFIED, comment="垃圾又堆起来了")
        whistle.refresh_from_db()
        assert whistle.status == Whistle.Status.REOPENED
        assert Notification.objects.filter(recipient=triager, title__contains="不满意").exists()
        whistle.call_more(by=triager, units=[story["units"][0]])
        assert Whistle.objects.get(pk=whistle.pk).status == Whistle.Status.CALLED
        assert whistle.calls.get(unit=story["units"][0]).status == WhistleCall.Status.CALLED

    def test_rating_someone_else_s_report_is_refused(self, story, triager):
        with pytest.raises(WhistleError, match="只有反映这个问题的居民可以评价"):
            story["whistle"].rate(by=UserFactory(), score=Rating.Score.SATISFIED)

    def test_staff_merge_a_duplicate_and_the_reporter_is_told(self, story, triager):
        duplicate_reporter = UserFactory()
        duplicate = ProblemReport.submit(
            by=duplicate_reporter,
            category=Category.SANITATION,
            description="同一处垃圾。",
            building=story["report"].building,
        )
        duplicate.merge_into(story["report"], by=triager)
        duplicate.refresh_from_db()
        assert duplicate.status == ProblemReport.Status.MERGED and duplicate.whistle == story["whistle"]
        assert duplicate_reporter in story["whistle"].reporters()
        assert Notification.objects.filter(recipient=duplicate_reporter, title__contains="已合并").exists()

    def test_staff_close_a_report_with_a_reply_or_hand_it_to_volunteers(self, triager):
        report = ProblemReport.submit(
            by=UserFactory(), category=Category.OTHER, description="小区里树枝挡路。", building=BuildingFactory()
        )
        activity = report.hand_to_volunteers(
            by=triager, team=TeamFactory(), title="修剪挡路树枝", starts_at=timezone.now() + timedelta(days=2)
        )
        assert report.status == ProblemReport.Status.HANDED and activity.place.startswith(report.building.name)
        with pytest.raises(WhistleError, match="已经处理过了"):
            report.close_with_reply(by=triager, reply="x")

    def test_a_team_leader_reports_in_for_a_called_team(self, triager):
        team = TeamFactory()
        leader, member = VolunteerFactory(), VolunteerFactory()
        add_member(team, leader, leader=True)
        add_member(team, member)
        whistle = Whistle.blow(
            by=triager,
            teams=[team],
            title="清扫",
            description="清扫楼道。",
            category=Category.SANITATION,
            building=BuildingFactory(),
        )
        call = whistle.calls.get()
        with pytest.raises(WhistleError, match="只有被呼叫单位的成员"):
            call.report_in(by=member.user, people=2)
        call.report_in(by=leader.user, people=6)
        assert WhistleCall.objects.get(pk=call.pk).people == 6


class TestBadInput:
    def test_a_report_with_no_photo_and_no_description_is_refused(self, client):
        sign_in(client, UserFactory())
        response = client.post(
            reverse("whistles:report_problem"),
            {"category": Category.ROADS, "description": "", "building": BuildingFactory().pk},
        )
        assert "请拍张照片或写几句描述" in response.text
        assert not ProblemReport.objects.exists()

    def test_more_than_three_photos_are_refused(self, client, settings, tmp_path):
        settings.PRIVATE_MEDIA_ROOT = tmp_path
        sign_in(client, UserFactory())
        photos = [upload(name=f"p{i}.jpg", data=image_bytes(200, 200)) for i in range(4)]
        response = client.post(
            reverse("whistles:report_problem"),
            {"category": Category.ROADS, "building": BuildingFactory().pk, "photos": photos},
        )
        assert "最多上传 3 张照片" in response.text
        assert not ProblemReport.objects.exists()

    def test_a_file_that_is_not_an_image_is_refused(self, client):
        sign_in(client, UserFactory())
        response = client.post(
            reverse("whistles:report_problem"),
            {
                "category": Category.ROADS,
                "building": BuildingFactory().pk,
                "photos": [upload(data=b"%PDF-1.4 not an image")],
            },
        )
        assert "不是完整的照片" in response.text
        assert not ProblemReport.objects.exists()

    def test_a_report_with_three_photos_is_kept_private(self, client, settings, tmp_path):
        settings.PRIVATE_MEDIA_ROOT = tmp_path
        reporter = UserFactory()
        sign_in(client, reporter)
        photos = [upload(name=f"p{i}.jpg", data=image_bytes(300, 200)) for i in range(3)]
        response = client.post(
            reverse("whistles:report_problem"),
            {"category": Category.ROADS, "building": BuildingFactory().pk, "photos": photos, "contact_phone": PHONE},
        )
        report = ProblemReport.objects.get()
        assert response.url == report.get_absolute_url()
        url = report.photos.first().image.url(400)
        assert client.get(url).status_code == 200
        sign_in(client, UserFactory())
        assert client.get(report.get_absolute_url()).status_code == 404
        assert client.get(url).status_code == 404


class TestPermissionsAndPrivacy:
    def test_only_members_of_a_called_unit_report_in(self, client, story):
        whistle = story["whistle"]
        call = whistle.calls.get(unit=story["units"][0])
        url = reverse("whistles:report_in", kwargs={"pk": whistle.pk, "call_pk": call.pk})
        outsider = member_of(PartnerUnitFactory(name="别的单位"))
        for who in (UserFactory(), outsider, story["members"][1], VolunteerFactory().user):
            sign_in(client, who)
            assert client.post(url, {"people": 2}).status_code == 404
        assert WhistleCall.objects.get(pk=call.pk).status == WhistleCall.Status.CALLED
        sign_in(client, story["members"][0])
        client.post(url, {"people": 2})
        assert WhistleCall.objects.get(pk=call.pk).status == WhistleCall.Status.REPORTED

    def test_the_reporter_s_contact_never_reaches_public_pages_or_units(self, client, story):
        whistle = story["whistle"]
        pages = [reverse("whistles:board"), whistle.get_absolute_url()]
        for who in (None, story["members"][0], UserFactory()):
            if who:
                sign_in(client, who)
            for page in pages:
                text = client.get(page).text
                assert PHONE not in text and "楼后堆满垃圾" not in text
            assert client.get(story["report"].get_absolute_url()).status_code in (302, 404)

    def test_staff_see_the_reporter_s_phone_on_the_report(self, client, story, triager):
        sign_in(client, triager)
        assert PHONE in client.get(story["report"].get_absolute_url()).text

    @pytest.mark.parametrize("url_name", ["whistles:triage", "whistles:blow", "whistles:responsiveness"])
    def test_residents_and_unit_members_cannot_reach_staff_pages(self, client, story, url_name):
        for who in (UserFactory(), story["members"][0]):
            sign_in(client, who)
            assert client.get(reverse(url_name)).status_code == 403


class TestDeadlines:
    def test_a_unit_that_misses_the_report_in_deadline_is_overdue_and_notified_once(self, story, triager):
        whistle = story["whistle"]
        on_time = whistle.calls.get(unit=story["units"][0])
        on_time.report_in(by=story["members"][0], people=2)
        late = whistle.calls.get(unit=story["units"][1])
        assert not late.is_overdue()
        with time_machine.travel(whistle.report_in_by + timedelta(minutes=5)):
            late.refresh_from_db()
            assert late.is_overdue() and not WhistleCall.objects.get(pk=on_time.pk).is_overdue()
            assert notify_overdue() == 1
            assert notify_overdue() == 0
        assert Notification.objects.filter(recipient=story["members"][1], title__contains="超过报到期限").count() == 1
        assert Notification.objects.filter(recipient=triager, title__contains="未在期限内报到").count() == 1

    def test_staff_see_overdue_whistles_first(self, client, story, triager):
        fresh = Whistle.blow(
            by=triager,
            units=[PartnerUnitFactory()],
            title="新吹哨",
            description="x",
            category=Category.OTHER,
            building=BuildingFactory(),
            report_in_hours=72,
        )
        with time_machine.travel(story["whistle"].report_in_by + timedelta(hours=1)):
            sign_in(client, triager)  # a staff session ends after a while without a request
            order = [w.pk for w in client.get(reverse("whistles:triage")).context["whistles"]]
        assert order.index(story["whistle"].pk) < order.index(fresh.pk)

    def test_responsiveness_gives_medians_per_unit(self, story, triager):
        whistle = story["whistle"]
        start = whistle.calls.get(unit=story["units"][0]).called_at
        with time_machine.travel(start + timedelta(hours=2)):
            whistle.calls.get(unit=story["units"][0]).report_in(by=story["members"][0], people=1)
        rows = {row["unit"].name: row for row in unit_responsiveness()}
        assert round(rows["区建设局"]["median_report_in_hours"], 1) == 2.0
        assert rows["供电所"]["answered"] == 0


class TestPages:
    @pytest.fixture
    def busy(self, triager):
        units = [PartnerUnitFactory() for _ in range(6)]
        for unit in units:
            member_of(unit)
        whistle = Whistle.blow(
            by=triager,
            units=units,
            title="大扫除",
            description="清理。",
            category=Category.SANITATION,
            building=BuildingFactory(),
        )
        for call in whistle.calls.all():
            member = call.unit.members.first()
            call.report_in(by=member, people=2)
            for number in range(3):
                call.post_update(by=member, text=f"进展{number}")
        for _ in range(8):
            Whistle.blow(
                by=triager,
                units=units[:3],
                title="另一件事",
                description="x",
                category=Category.OTHER,
                building=BuildingFactory(),
            )
        return whistle

    def test_public_pages_run_a_constant_small_number_of_queries(self, client, busy, django_assert_max_num_queries):
        with django_assert_max_num_queries(10):
            client.get(reverse("whistles:board"))
        with django_assert_max_num_queries(10):
            client.get(busy.get_absolute_url())
        sign_in(client, busy.calls.first().unit.members.first())
        with django_assert_max_num_queries(10):
            client.get(busy.get_absolute_url())

    def test_pages_are_valid_html(self, client, busy, html_checker, triager):
        for url in (reverse("whistles:board"), busy.get_absolute_url()):
            html_checker.assert_valid(client.get(url).text, url)
        sign_in(client, UserFactory())
        html_checker.assert_valid(client.get(reverse("whistles:report_problem")).text, "report form")
        sign_in(client, triager)
        for url in (
            reverse("whistles:triage"),
            reverse("whistles:blow"),
            reverse("whistles:responsiveness"),
            busy.get_absolute_url(),
        ):
            html_checker.assert_valid(client.get(url).text, url)
