"""The lending box's pages as residents and staff use them, and who may not see what."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.images import store_upload
from community.models import Notification
from lending.models import Item, Loan
from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.images import upload
from tests.lending.helpers import desk_worker, make_item, make_loan, make_overdue
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def test_the_public_box_shows_what_is_available_now_with_where_to_collect_and_the_deposit(client, media):
    umbrella = make_item(name="雨伞", quantity=3, photo=store_upload(upload(), alt="雨伞"))
    make_loan(item=umbrella, borrower=UserFactory(display_name="刘淑芬"))
    wheelchair = make_item(name="轮椅", quantity=1, deposit=200, deposit_note="也可以押身份证复印件")
    make_loan(item=wheelchair, status="handed_over", borrower=UserFactory(display_name="彭桂英"))
    make_item(name="折叠梯", active=False)

    text = client.get(reverse("lending:box")).text.split('class="lending-grid"')[1]

    assert "现在可借 2 件" in text and "社区党群服务中心一楼服务台" in text and "免押金" in text
    assert "暂时借完了" in text and "押金 200 元（也可以押身份证复印件）" in text
    assert text.index("雨伞") < text.index("轮椅")  # what can be borrowed now comes first
    assert "折叠梯" not in text
    assert "刘淑芬" not in text and "彭桂英" not in text and "刘**" not in text
    assert 'srcset="' in text


def test_the_home_page_leads_to_the_lending_box(client):
    make_item(name="老花镜", quantity=4)
    text = client.get(reverse("home")).text
    assert reverse("lending:box") in text and "老花镜" in text and "现在可借 4 件" in text


def test_someone_signed_out_is_asked_to_log_in_and_a_resident_asks_to_borrow(client):
    umbrella = make_item(name="雨伞", quantity=2)
    page = client.get(umbrella.get_absolute_url()).text
    assert f"/accounts/login/?next={umbrella.get_absolute_url()}" in page
    assert reverse("lending:request", kwargs={"pk": umbrella.pk}) not in page

    resident = UserFactory(display_name="刘淑芬")
    sign_in(client, resident)
    page = client.get(umbrella.get_absolute_url()).text
    assert reverse("lending:request", kwargs={"pk": umbrella.pk}) in page

    response = client.post(reverse("lending:request", kwargs={"pk": umbrella.pk}), {"note": "下午来拿"}, follow=True)
    loan = Loan.objects.get(borrower=resident)
    assert response.redirect_chain[-1][0] == loan.get_absolute_url()
    assert "已申请借用" in response.text and "下午来拿" in response.text and "已申请，待领取" in response.text
    assert "您已经申请了这件物品" in client.get(umbrella.get_absolute_url()).text

    me = client.get(reverse("me")).text
    assert "爱心百宝箱" in me and "雨伞" in me and loan.get_absolute_url() in me
    assert "雨伞" in client.get(reverse("lending:mine")).text


def test_a_refused_request_says_why_and_keeps_the_note(client):
    item = make_item(name="轮椅", quantity=1)
    make_loan(item=item)
    sign_in(client, UserFactory())
    response = client.post(reverse("lending:request", kwargs={"pk": item.pk}), {"note": "明天来拿"})
    assert response.status_code == 200
    assert "刚刚借完了" in response.text and 'value="明天来拿"' in response.text
    assert Loan.objects.filter(item=item).count() == 1


def test_an_overdue_loan_is_marked_on_the_residents_workbench(client):
    loan = make_overdue(make_loan(status="handed_over", borrower=UserFactory()))
    sign_in(client, loan.borrower)
    me = client.get(reverse("me")).text
    assert "借用的物品已过归还日期" in me and "已逾期" in me
    assert "已逾期" in client.get(loan.get_absolute_url()).text


class TestPrivacy:
    def test_a_loan_is_seen_only_by_its_borrower_and_the_staff_who_handle_loans(self, client):
        loan = make_loan(borrower=UserFactory(display_name="刘淑芬"), note="要200度的")
        url = loan.get_absolute_url()
        assert client.get(url).status_code == 302
        for someone in (UserFactory(), StaffFactory(groups=["编辑"])):
            sign_in(client, someone)
            assert client.get(url).status_code == 404
            assert client.post(reverse("lending:cancel", kwargs={"pk": loan.pk})).status_code == 404
        sign_in(client, loan.borrower)
        assert "要200度的" in client.get(url).text
        sign_in(client, desk_worker())
        text = client.get(url).text
        assert "刘淑芬" in text and "要200度的" in text

    def test_the_desk_and_the_staff_steps_are_for_the_staff_who_handle_loans(self, client):
        loan = make_loan()
        steps = [
            reverse("lending:desk"),
            reverse("lending:hand_over", kwargs={"pk": loan.pk}),
            reverse("lending:decline", kwargs={"pk": loan.pk}),
            reverse("lending:record_return", kwargs={"pk": loan.pk}),
        ]
        for url in steps:
            assert client.get(url).status_code == 302
        for someone in (loan.borrower, StaffFactory(groups=["编辑"])):
            sign_in(client, someone)
            for url in steps:
                assert client.get(url).status_code == 403, url
            assert client.post(steps[1], {"due_on": timezone.localdate().isoformat()}).status_code == 403
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.REQUESTED

    def test_residents_who_borrowed_nothing_see_no_one_elses_loans(self, client):
        make_loan(item=make_item(name="电子血压计"), borrower=UserFactory(display_name="彭桂英"))
        sign_in(client, UserFactory())
        assert "电子血压计" not in client.get(reverse("me")).text
        assert "电子血压计" not in client.get(reverse("lending:mine")).text


class TestStaffDesk:
    def test_staff_find_the_request_on_their_workbench_and_hand_it_over_with_a_due_date(self, client):
        loan = make_loan(item=make_item(name="雨伞"), borrower=UserFactory(display_name="刘淑芬"))
        staff = desk_worker()
        sign_in(client, staff)
        me = client.get(reverse("me")).text
        assert "待借出的百宝箱物品" in me and "雨伞 · 刘淑芬" in me and loan.get_absolute_url() in me
        assert loan.get_absolute_url() in client.get(reverse("lending:desk")).text
        page = client.get(loan.get_absolute_url()).text
        default = (timezone.localdate() + timedelta(days=7)).isoformat()
        assert f'value="{default}"' in page

        due = timezone.localdate() + timedelta(days=5)
        response = client.post(reverse("lending:hand_over", kwargs={"pk": loan.pk}), {"due_on": due.isoformat()})
        assert response.status_code == 302
        loan.refresh_from_db()
        assert loan.status == Loan.Status.HANDED_OVER and loan.due_on == due

        response = client.post(reverse("lending:record_return", kwargs={"pk": loan.pk}), {"note": "完好"})
        assert response.status_code == 302
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.RETURNED

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("2026-02-30", "请填写正确的日期"),
            ("", "请选择归还日期"),
            ("2001-01-01", "归还日期不能早于今天"),
            ("2999-01-01", "最多定在 90 天以后"),
        ],
    )
    def test_a_bad_due_date_is_explained_next_to_the_field_and_nothing_changes(self, client, typed, message):
        loan = make_loan()
        sign_in(client, desk_worker())
        response = client.post(reverse("lending:hand_over", kwargs={"pk": loan.pk}), {"due_on": typed})
        assert response.status_code == 200
        assert message in response.text and f'name="due_on" value="{typed}"' in response.text
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.REQUESTED
        assert not Notification.objects.filter(recipient=loan.borrower).exists()

    def test_handing_over_twice_is_refused_with_a_message(self, client):
        loan = make_loan(status="handed_over")
        sign_in(client, desk_worker())
        response = client.post(
            reverse("lending:hand_over", kwargs={"pk": loan.pk}), {"due_on": timezone.localdate().isoformat()}
        )
        assert response.status_code == 200 and "借用中" in response.text

    def test_declining_without_a_reason_is_refused_and_with_one_the_resident_reads_it(self, client):
        loan = make_loan()
        sign_in(client, desk_worker())
        url = reverse("lending:decline", kwargs={"pk": loan.pk})
        assert "请写明不能借出的原因" in client.post(url, {"reason": ""}).text
        assert client.post(url, {"reason": "送去维修了"}).status_code == 302
        sign_in(client, loan.borrower)
        text = client.get(loan.get_absolute_url()).text
        assert "未能借出" in text and "送去维修了" in text

    def test_the_borrower_cancels_a_request_she_no_longer_needs(self, client):
        loan = make_loan()
        sign_in(client, loan.borrower)
        client.post(reverse("lending:cancel", kwargs={"pk": loan.pk}))
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.CANCELLED


class TestAdmin:
    def test_grid_workers_keep_the_inventory_with_a_photo_and_see_what_is_available(self, client, media):
        sign_in(client, desk_worker())
        response = client.post(
            reverse("admin:lending_item_add"),
            {
                "name": "电子血压计",
                "description": "上臂式",
                "quantity": "2",
                "collect_at": "社区卫生服务站",
                "deposit": "50",
                "deposit_note": "",
                "loan_days": "7",
                "active": "on",
                "order": "1",
                "photo_upload": upload(),
                "photo_alt": "电子血压计",
            },
        )
        assert response.status_code == 302, response.text
        item = Item.objects.get(name="电子血压计")
        assert item.photo is not None and item.photo.alt == "电子血压计" and not item.photo.private
        make_loan(item=item)
        changelist = client.get(reverse("admin:lending_item_changelist")).text
        assert "现在可借" in changelist

    def test_the_quantity_cannot_go_below_what_is_out_or_asked_for(self, client):
        item = make_item(quantity=2)
        make_loan(item=item, status="handed_over")
        make_loan(item=item)
        sign_in(client, desk_worker())
        data = {
            "name": item.name,
            "description": "",
            "quantity": "1",
            "collect_at": item.collect_at,
            "deposit": "",
            "deposit_note": "",
            "loan_days": "7",
            "active": "on",
            "order": "0",
            "photo_alt": "",
        }
        response = client.post(reverse("admin:lending_item_change", args=[item.pk]), data)
        assert response.status_code == 200 and "数量不能少于 2" in response.text
        assert Item.objects.get(pk=item.pk).quantity == 2

    def test_loans_are_read_only_in_the_admin(self, client):
        loan = make_loan()
        sign_in(client, desk_worker())
        assert client.get(reverse("admin:lending_loan_change", args=[loan.pk])).status_code == 200
        assert client.get(reverse("admin:lending_loan_add")).status_code == 403


class TestPersonalData:
    def test_loans_are_in_the_download(self, client):
        loan = make_loan(status="handed_over", note="要200度的")
        sign_in(client, loan.borrower)
        data = json.loads(client.get(reverse("my_data")).content)
        assert data["loans"] == [
            {
                "item": loan.item.name,
                "status": "借用中",
                "note": "要200度的",
                "requested": data["loans"][0]["requested"],
                "handed_over": data["loans"][0]["handed_over"],
                "due_on": loan.due_on.isoformat(),
                "returned": None,
                "reason_not_lent": "",
            }
        ]

    def test_deleting_the_account_cancels_requests_and_keeps_loans_out_without_a_name(self, client):
        resident = UserFactory(display_name="刘淑芬")
        waiting = make_loan(borrower=resident, note="下午来拿")
        out = make_loan(borrower=resident, status="handed_over")
        sign_in(client, resident)
        assert client.post(reverse("delete_account"), {"password": PASSWORD}).status_code == 302
        waiting.refresh_from_db()
        out.refresh_from_db()
        assert waiting.status == Loan.Status.CANCELLED and waiting.borrower is None and waiting.note == ""
        assert out.status == Loan.Status.HANDED_OVER and out.borrower is None
        assert not Loan.objects.filter(borrower=resident).exists()
        sign_in(client, desk_worker())
        assert "已注销居民" in client.get(reverse("lending:desk")).text


def box_queries(client):
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(reverse("lending:box")).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("lending:box"))
    return len(cold), len(warm)


def test_the_box_keeps_its_query_budget_whatever_the_number_of_items(client, media):
    """One query for the items with their availability and photos, not one per item (an N+1 would show)."""
    photo = store_upload(upload(), alt="物品")
    for number in range(3):
        make_loan(item=make_item(name=f"物品{number}", photo=photo))
    few = box_queries(client)
    for number in range(3, 30):
        make_loan(item=make_item(name=f"物品{number}", photo=photo), status="handed_over")
    assert box_queries(client) == few
    assert few[0] <= 4 and few[1] == 1
