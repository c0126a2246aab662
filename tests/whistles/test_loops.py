"""Reports reach a person, and a whistle's loop closes even when a unit stays silent."""

import pytest
from django.urls import reverse

from community.models import Notification
from tests.factories import BuildingFactory, GridFactory, PartnerUnitFactory, StaffFactory, UserFactory
from tests.images import upload
from tests.signing_in import sign_in
from volunteers.models import PartnerMembership
from whistles.models import Category, ProblemReport, Whistle, WhistleCall, WhistleError, place_of, unit_responsiveness

pytestmark = pytest.mark.django_db


def report_in(building, by=None, **fields):
    return ProblemReport.submit(
        by=by or UserFactory(), category=Category.LIGHTING, description="路灯不亮。", building=building, **fields
    )


class TestRouting:
    def test_a_report_reaches_the_grid_worker_of_its_grid_and_not_another(self):
        worker_a, worker_b = StaffFactory(groups=["网格员"]), StaffFactory(groups=["网格员"])
        building_a = BuildingFactory(name="团结巷3栋", grid=GridFactory(grid_worker=worker_a))
        BuildingFactory(grid=GridFactory(grid_worker=worker_b))
        report = report_in(building_a, spot="3栋1单元门口")
        told = Notification.objects.filter(url=report.get_absolute_url())
        assert list(told.values_list("recipient", flat=True)) == [worker_a.pk]
        assert told.get().title == "新的问题反映：照明 · 团结巷3栋1单元门口"

    def test_without_a_grid_worker_the_staff_who_triage_are_told(self):
        triager = StaffFactory(groups=["网格员"])
        report = report_in(BuildingFactory(grid=GridFactory(grid_worker=None)))
        assert Notification.objects.filter(recipient=triager, url=report.get_absolute_url()).exists()

    def test_the_place_never_says_the_building_twice(self):
        building = BuildingFactory(name="团结巷3栋")
        assert place_of(building.name, "3栋1单元门口") == "团结巷3栋1单元门口"
        assert place_of(building.name, "团结巷3栋楼后") == "团结巷3栋楼后"
        assert place_of(building.name, "楼后垃圾池旁") == "团结巷3栋楼后垃圾池旁"

    def test_staff_enter_a_report_for_a_resident_without_a_phone(self, client):
        staff = StaffFactory(groups=["网格员"])
        building = BuildingFactory()
        sign_in(client, staff)
        response = client.post(
            reverse("whistles:report_on_behalf"),
            {
                "resident_name": "张奶奶",
                "category": Category.ROADS,
                "description": "楼前台阶塌了一块。",
                "building": building.pk,
                "spot": "",
                "contact_phone": "13800001111",
            },
        )
        assert response.status_code == 302
        report = ProblemReport.objects.get()
        assert (report.resident_name, report.entered_by, report.reporter) == ("张奶奶", staff, None)


@pytest.fixture
def silent_unit_whistle():
    triager = StaffFactory(groups=["网格员"])
    reporter = UserFactory()
    building = BuildingFactory()
    report = report_in(building, by=reporter)
    answering, silent = PartnerUnitFactory(name="供电所"), PartnerUnitFactory(name="区建设局")
    member = UserFactory()
    PartnerMembership.objects.create(unit=answering, user=member)
    silent_member = UserFactory()
    PartnerMembership.objects.create(unit=silent, user=silent_member)
    whistle = Whistle.blow(
        by=triager,
        units=[answering, silent],
        reports=[report],
        title="修路灯",
        description="换灯泡。",
        category=Category.LIGHTING,
        building=building,
    )
    call = whistle.calls.get(unit=answering)
    call.report_in(by=member, people=2)
    call.mark_done(by=member)
    return {
        "whistle": whistle,
        "triager": triager,
        "reporter": reporter,
        "silent": whistle.calls.get(unit=silent),
        "silent_member": silent_member,
    }


class TestClosingTheLoop:
    def test_a_silent_unit_blocks_closing_until_staff_withdraw_its_call(self, silent_unit_whistle):
        whistle, triager, silent = (silent_unit_whistle[k] for k in ("whistle", "triager", "silent"))
        with pytest.raises(WhistleError, match="撤回对它们的呼叫"):
            whistle.close(by=triager, summary="灯修好了")
        whistle.withdraw_call(silent, by=triager, reason="三次联系未响应")
        silent.refresh_from_db()
        assert silent.status == WhistleCall.Status.WITHDRAWN and silent.get_status_display() == "未应哨"
        assert Notification.objects.filter(recipient=silent_unit_whistle["silent_member"], body="三次联系未响应")
        whistle.close(by=triager, summary="灯修好了")
        assert Whistle.objects.get(pk=whistle.pk).status == Whistle.Status.CLOSED
        assert Notification.objects.filter(
            recipient=silent_unit_whistle["reporter"], title="您反映的问题已经解决，请评价处理结果。"
        ).exists()

    def test_a_withdrawn_call_counts_as_called_and_not_answered_and_stays_out_of_the_medians(self, silent_unit_whistle):
        whistle, triager, silent = (silent_unit_whistle[k] for k in ("whistle", "triager", "silent"))
        whistle.withdraw_call(silent, by=triager, reason="三次联系未响应")
        rows = {row["unit"].name: row for row in unit_responsiveness()}
        assert (rows["区建设局"]["called"], rows["区建设局"]["answered"], rows["区建设局"]["not_answered"]) == (1, 0, 1)
        assert rows["区建设局"]["median_report_in_hours"] is None
        assert (rows["供电所"]["called"], rows["供电所"]["answered"], rows["供电所"]["not_answered"]) == (1, 1, 0)

    def test_staff_withdraw_and_call_another_unit_over_http_and_the_page_says_so(self, client, silent_unit_whistle):
        whistle, triager, silent = (silent_unit_whistle[k] for k in ("whistle", "triager", "silent"))
        sign_in(client, triager)
        page = client.get(whistle.get_absolute_url()).text
        assert "还在等：区建设局" in page
        response = client.post(
            reverse("whistles:withdraw_call", kwargs={"pk": whistle.pk}),
            {"call": silent.pk, "reason": "三次联系未响应"},
            follow=True,
        )
        assert "未应哨" in response.text and "社区撤回了呼叫：三次联系未响应" in response.text
        another = PartnerUnitFactory(name="区城管局")
        client.post(
            reverse("whistles:call_more", kwargs={"pk": whistle.pk}), {"units": [another.pk], "report_in_hours": 12}
        )
        assert whistle.calls.filter(unit=another, status=WhistleCall.Status.CALLED).exists()

    def test_a_called_units_member_sees_the_problem_photos_while_the_whistle_is_open(self, client, media):
        from community.images import store_upload

        building = BuildingFactory()
        photo = store_upload(upload(), private=True)
        report = ProblemReport.submit(
            by=UserFactory(), category=Category.SANITATION, building=building, photos=[photo], description=""
        )
        unit = PartnerUnitFactory(name="环卫所")
        member = UserFactory()
        PartnerMembership.objects.create(unit=unit, user=member)
        whistle = Whistle.blow(
            by=StaffFactory(groups=["网格员"]),
            units=[unit],
            reports=[report],
            title="清垃圾",
            description="清运。",
            category=Category.SANITATION,
            building=building,
        )
        url = photo.url(photo.renditions[0][0])
        sign_in(client, UserFactory())
        assert client.get(url).status_code == 404
        sign_in(client, member)
        assert url in client.get(whistle.get_absolute_url()).text
        assert client.get(url).status_code == 200
