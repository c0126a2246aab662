"""A resident reports a wrong entry; it waits on the 我的 of staff who keep the directory; they correct the place,
mark it handled and the resident is told. Who may do what, and the report in the resident's personal data."""

import pytest

from community.contributions import personal_data_erase, waiting_for
from community.models import Notification
from places.models import PlaceError, PlaceReport
from tests.concurrency import run_together
from tests.factories import PlaceFactory, StaffFactory, UserFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return PlaceFactory(name="惠民药店", category="pharmacy", phone="0714-6204410")


def test_a_resident_reports_a_wrong_phone_and_staff_find_it_waiting(client, place):
    resident = UserFactory(username="liu", display_name="刘淑芬")
    sign_in(client, resident)
    form = client.get(f"/places/{place.pk}/report/")
    assert "现在登记的是：惠民药店" in form.text and "0714-6204410" in form.text
    response = client.post(f"/places/{place.pk}/report/", {"note": "电话打过去是空号。"}, follow=True)
    assert "社区工作人员核实后会更正" in response.text
    report = PlaceReport.objects.get()
    assert (report.place, report.reporter, report.status) == (place, resident, "open")

    grid_worker = StaffFactory(groups=["网格员"])
    queue = next(queue for queue in waiting_for(grid_worker) if queue.label == "便民服务圈报错")
    assert queue.count == 1 and queue.items[0][0] == "惠民药店：电话打过去是空号。" and queue.url == "/places/reports/"
    assert not [queue for queue in waiting_for(StaffFactory(groups=["编辑"])) if queue.label == "便民服务圈报错"]
    assert not [queue for queue in waiting_for(resident) if queue.label == "便民服务圈报错"]


def test_staff_correct_the_place_mark_the_report_handled_and_the_resident_is_told(client, place):
    resident = UserFactory(username="liu")
    report = PlaceReport.submit(place=place, by=resident, note="电话换了")
    sign_in(client, StaffFactory(groups=["网格员"]))
    page = client.get("/places/reports/")
    assert "电话换了" in page.text and f"/admin/places/place/{place.pk}/change/" in page.text
    assert client.get(f"/admin/places/place/{place.pk}/change/").status_code == 200
    response = client.post(f"/places/reports/{report.pk}/handle/", {"reply": "已改成新号码，谢谢您！"}, follow=True)
    assert "报告人会收到通知" in response.text and "没有待处理的报错" in response.text
    report.refresh_from_db()
    assert report.status == "handled" and report.handled_at is not None and report.reply == "已改成新号码，谢谢您！"
    message = Notification.objects.get(recipient=resident)
    assert "惠民药店" in message.title and message.body == "已改成新号码，谢谢您！"
    assert message.url == place.get_absolute_url()
    again = client.post(f"/places/reports/{report.pk}/handle/", {}, follow=True)
    assert "已经处理过了" in again.text
    assert Notification.objects.filter(recipient=resident).count() == 1


def test_a_report_needs_a_note_of_at_most_300_characters_and_keeps_what_was_typed(client, place):
    sign_in(client, UserFactory())
    empty = client.post(f"/places/{place.pk}/report/", {"note": "   "})
    assert empty.status_code == 200 and "请写一句哪里不对" in empty.text
    long = client.post(f"/places/{place.pk}/report/", {"note": "长" * 301})
    assert long.status_code == 200 and "300 字以内" in long.text and "长" * 301 in long.text
    assert not PlaceReport.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in_and_residents_may_not_handle_reports(client, place):
    assert client.get(f"/places/{place.pk}/report/")["Location"].startswith("/accounts/login/")
    assert client.post(f"/places/{place.pk}/report/", {"note": "x"}).status_code == 302
    assert not PlaceReport.objects.exists()
    report = PlaceReport.submit(place=place, by=UserFactory(), note="搬走了")
    sign_in(client, UserFactory(username="other"))
    assert client.get("/places/reports/").status_code == 403
    assert client.post(f"/places/reports/{report.pk}/handle/", {}).status_code == 403
    report.refresh_from_db()
    assert report.status == "open"


def test_reports_are_limited_per_account(client, place, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "place_report": {"account": "2/d"}}
    sign_in(client, UserFactory())
    for n in range(2):
        assert client.post(f"/places/{place.pk}/report/", {"note": f"第{n}次"}).status_code == 302
    assert client.post(f"/places/{place.pk}/report/", {"note": "第三次"}).status_code == 429
    assert PlaceReport.objects.count() == 2


def test_the_report_is_in_the_residents_data_and_loses_her_name_when_she_leaves(client, place):
    resident = UserFactory(username="liu")
    PlaceReport.submit(place=place, by=resident, note="周日不开门了")
    sign_in(client, resident)
    data = client.get("/me/data.json").json()
    assert data["place_reports"][0]["place"] == "惠民药店" and data["place_reports"][0]["note"] == "周日不开门了"
    for erase in personal_data_erase:
        erase(resident)
    assert PlaceReport.objects.get().reporter is None


@pytest.mark.django_db(transaction=True)
def test_two_staff_handling_one_report_at_once_notify_once(place):
    """Settled by a conditional UPDATE: one of the two changes the row, the other is told it was handled."""
    resident = UserFactory(username="liu")
    report = PlaceReport.submit(place=place, by=resident, note="电话换了")
    staff = [StaffFactory(groups=["网格员"]) for _ in range(2)]
    copies = [PlaceReport.objects.select_related("place", "reporter").get(pk=report.pk) for _ in staff]
    results = run_together(
        lambda: copies[0].mark_handled(by=staff[0], reply="好了"),
        lambda: copies[1].mark_handled(by=staff[1], reply="好了"),
    )
    refused = [result for result in results if isinstance(result, PlaceError)]
    assert len(refused) == 1 and results.count(None) == 1
    assert Notification.objects.filter(recipient=resident).count() == 1
