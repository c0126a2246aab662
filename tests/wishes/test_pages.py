"""Wish pages through HTTP: privacy of contact details, who may do what, bad input, query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import ContactView, Image
from tests.factories import BuildingFactory, StaffFactory, UserFactory
from tests.images import upload
from tests.signing_in import sign_in
from tests.wishes.helpers import make_member, make_volunteer, make_wish
from wishes.models import Wish

pytestmark = pytest.mark.django_db

PHONE, ADDRESS = "13812345678", "团结巷3栋2单元401"
PRIVATE = (PHONE, "138 1234 5678", "2单元401", "王秀英")


def detail(wish):
    return reverse("wishes:detail", kwargs={"pk": wish.pk})


def assert_no_contact(text):
    for secret in PRIVATE:
        assert secret not in text


@pytest.fixture
def wish():
    return make_wish(owner=UserFactory(display_name="王秀英"))


class TestPrivacy:
    """Phone and address: staff and the live claimant only; everyone else sees 王** and the building."""

    def test_anonymous_visitors_see_the_masked_name_and_building_only(self, client, wish):
        text = client.get(detail(wish)).text
        assert "王**" in text and wish.building.name in text
        assert_no_contact(text)
        assert_no_contact(client.get(reverse("wishes:wall")).text)

    @pytest.mark.parametrize("who", ["resident", "volunteer", "partner member", "editor"])
    def test_other_people_see_no_contact_data(self, client, wish, who):
        viewers = {
            "resident": UserFactory,
            "volunteer": make_volunteer,
            "partner member": lambda: make_member()[0],
            "editor": lambda: StaffFactory(groups=["编辑"]),
        }
        sign_in(client, viewers[who]())
        assert_no_contact(client.get(detail(wish)).text)
        assert_no_contact(client.get(reverse("wishes:wall")).text)

    def test_another_volunteer_sees_nothing_while_someone_else_holds_the_claim(self, client, wish):
        wish.claim(by=make_volunteer())
        sign_in(client, make_volunteer())
        assert_no_contact(client.get(detail(wish)).text)

    def test_the_claimant_sees_the_contact_and_the_view_is_recorded(self, client, wish):
        claimant = make_volunteer()
        wish.claim(by=claimant)
        sign_in(client, claimant)
        text = client.get(detail(wish)).text
        assert PHONE in text and ADDRESS in text
        record = ContactView.objects.get()
        assert record.subject == wish.owner and record.viewer == claimant

    def test_a_claimant_who_released_the_wish_no_longer_sees_the_contact(self, client, wish):
        claimant = make_volunteer()
        wish.claim(by=claimant)
        wish.release(by=claimant, reason="临时有事")
        sign_in(client, claimant)
        assert_no_contact(client.get(detail(wish)).text)

    def test_for_a_unit_s_claim_only_the_member_who_made_it_sees_the_contact(self, client, wish):
        member, unit = make_member(unit_name="市委党校")
        colleague, _unit = make_member(unit=unit)
        wish.claim(by=member, unit=unit)
        sign_in(client, colleague)
        assert_no_contact(client.get(detail(wish)).text)
        sign_in(client, member)
        assert PHONE in client.get(detail(wish)).text

    def test_reviewers_see_the_contact(self, client, wish):
        sign_in(client, StaffFactory(groups=["审核员"]))
        assert PHONE in client.get(detail(wish)).text

    def test_the_owner_sees_only_a_masked_phone(self, client, wish):
        sign_in(client, wish.owner)
        text = client.get(detail(wish)).text
        assert "138****5678" in text and PHONE not in text

    def test_wishes_under_review_are_not_found_by_others(self, client):
        pending = make_wish(status=None)
        assert client.get(detail(pending)).status_code == 404
        sign_in(client, make_volunteer())
        assert client.get(detail(pending)).status_code == 404
        sign_in(client, pending.owner)
        assert client.get(detail(pending)).status_code == 200

    def test_a_wish_photo_under_review_is_served_only_to_the_owner_and_staff(self, client, media, settings, tmp_path):
        settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
        owner = UserFactory()
        sign_in(client, owner)
        building = BuildingFactory()
        response = client.post(
            reverse("wishes:submit"),
            {
                "title": "楼道灯坏了想请人换",
                "category": Wish.Category.REPAIR,
                "description": "三楼楼道灯坏了一个月，晚上看不见。",
                "needed_by": (timezone.localdate() + timedelta(days=5)).isoformat(),
                "building": building.pk,
                "contact_phone": PHONE,
                "contact_address": ADDRESS,
                "photo_upload": upload(),
            },
        )
        assert response.status_code == 302
        photo = Image.objects.get()
        assert photo.private
        url = photo.url(400)
        assert client.get(url).status_code == 200
        client.logout()
        assert client.get(url).status_code == 404
        sign_in(client, make_volunteer())
        assert client.get(url).status_code == 404
        sign_in(client, StaffFactory(groups=["审核员"]))
        assert client.get(url).status_code == 200


class TestSubmitting:
    def valid(self, building, **changes):
        data = {
            "title": "需要一床厚棉被",
            "category": Wish.Category.GOODS,
            "description": "家里被子太薄，冬天晚上冷得睡不着。",
            "needed_by": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "building": building.pk,
            "contact_phone": PHONE,
            "contact_address": ADDRESS,
        }
        data.update(changes)
        return data

    def test_a_resident_posts_a_wish_that_waits_for_review(self, client):
        sign_in(client, UserFactory())
        response = client.post(reverse("wishes:submit"), self.valid(BuildingFactory()))
        wish = Wish.objects.get()
        assert response.url == detail(wish)
        assert wish.status == Wish.Status.SUBMITTED

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("description", "", "这一项必须填写"),
            ("description", "字" * 10_000, "最多 500 个字"),
            ("needed_by", "2020-01-01", "日期不能早于今天"),
            ("needed_by", "2026-02-30", "请输入正确的日期"),
            ("contact_phone", "12345", "电话号码格式不正确"),
            ("title", "米油", "至少 4 个字"),
            ("category", "money", "请从列表中选择"),
        ],
    )
    def test_bad_input_gets_a_chinese_message_and_nothing_is_saved(self, client, field, value, message):
        sign_in(client, UserFactory())
        response = client.post(reverse("wishes:submit"), self.valid(BuildingFactory(), **{field: value}))
        assert response.status_code == 200
        assert message in response.text
        assert not Wish.objects.exists()
        assert 'value="团结巷3栋2单元401"' in response.text or field == "contact_address"

    def test_a_photo_that_is_not_an_image_is_refused(self, client):
        sign_in(client, UserFactory())
        data = self.valid(BuildingFactory(), photo_upload=upload(data=b"not an image at all"))
        response = client.post(reverse("wishes:submit"), data)
        assert "不是完整的照片" in response.text
        assert not Wish.objects.exists()

    def test_a_health_wish_needs_separate_consent(self, client):
        sign_in(client, UserFactory())
        response = client.post(reverse("wishes:submit"), self.valid(BuildingFactory(), category=Wish.Category.HEALTH))
        assert "需要您勾选同意提供健康信息" in response.text
        data = self.valid(BuildingFactory(), category=Wish.Category.HEALTH, health_consent="on")
        assert client.post(reverse("wishes:submit"), data).status_code == 302
        assert Wish.objects.get().health_consent

    def test_a_similar_open_wish_in_the_same_building_is_pointed_out_first(self, client):
        building = BuildingFactory()
        existing = make_wish(
            title="楼道灯坏了请人换灯泡",
            category=Wish.Category.REPAIR,
            building=building,
            description="三楼楼道灯坏了，晚上上下楼看不见。",
        )
        sign_in(client, UserFactory())
        data = self.valid(
            building,
            title="楼道的灯不亮了",
            category=Wish.Category.REPAIR,
            description="我们单元楼道灯坏了，想请人帮忙换灯泡。",
        )
        response = client.post(reverse("wishes:submit"), data)
        assert response.status_code == 200
        assert "同一栋楼已经有相似的心愿" in response.text
        assert existing.get_absolute_url() in response.text
        assert Wish.objects.count() == 1
        response = client.post(reverse("wishes:submit"), {**data, "confirm_despite_similar": "True"})
        assert response.status_code == 302
        assert Wish.objects.count() == 2

    def test_staff_enter_a_wish_for_a_resident_without_an_account(self, client):
        staff = StaffFactory(groups=["网格员"])
        sign_in(client, staff)
        data = {**self.valid(BuildingFactory()), "resident_name": "张奶奶", "consent_note": "当面同意"}
        response = client.post(reverse("wishes:on_behalf"), data)
        assert response.status_code == 302
        wish = Wish.objects.get()
        assert wish.owner is None and wish.entered_by == staff and wish.public_name == "张**"

    def test_residents_cannot_enter_wishes_for_others(self, client):
        sign_in(client, UserFactory())
        assert client.get(reverse("wishes:on_behalf")).status_code == 403

    def test_the_owner_edits_while_under_review_but_not_after(self, client):
        wish = make_wish(status=None)
        sign_in(client, wish.owner)
        data = self.valid(wish.building, title="需要两床厚棉被")
        assert client.post(reverse("wishes:edit", kwargs={"pk": wish.pk}), data).status_code == 302
        assert Wish.objects.get(pk=wish.pk).title == "需要两床厚棉被"
        wish.publish(by=StaffFactory(groups=["审核员"]))
        response = client.post(reverse("wishes:edit", kwargs={"pk": wish.pk}), self.valid(wish.building), follow=True)
        assert "审核通过后就不能修改了" in response.text


class TestActionsOverHttp:
    def test_claiming_one_s_own_wish_is_refused_with_a_message(self, client):
        owner = make_volunteer()
        wish = make_wish(owner=owner)
        sign_in(client, owner)
        response = client.post(reverse("wishes:claim", kwargs={"pk": wish.pk}), follow=True)
        assert "不能认领自己发布的心愿" in response.text
        assert Wish.objects.get(pk=wish.pk).status == Wish.Status.PUBLISHED

    def test_a_replayed_claim_after_the_wish_was_taken_gets_the_taken_message(self, client):
        wish = make_wish()
        wish.claim(by=make_volunteer())
        sign_in(client, make_volunteer())
        response = client.post(reverse("wishes:claim", kwargs={"pk": wish.pk}), follow=True)
        assert "这个心愿已被认领" in response.text

    def test_someone_who_is_neither_volunteer_nor_member_cannot_claim(self, client):
        wish = make_wish()
        sign_in(client, UserFactory())
        response = client.post(reverse("wishes:claim", kwargs={"pk": wish.pk}), follow=True)
        assert "只有审核通过的志愿者、确认过身份的党员或共建单位的成员" in response.text

    def test_a_member_cannot_claim_for_another_unit_by_tampering_with_the_form(self, client):
        member, _unit = make_member(unit_name="区医保局")
        _other, other_unit = make_member(unit_name="区建设局")
        wish = make_wish()
        sign_in(client, member)
        response = client.post(reverse("wishes:claim", kwargs={"pk": wish.pk}), {"unit": other_unit.pk}, follow=True)
        assert "不是这个共建单位的成员" in response.text
        assert Wish.objects.get(pk=wish.pk).status == Wish.Status.PUBLISHED

    def test_the_claim_form_is_bound_and_who_may_claim_is_worked_out_once(self, client):
        """The claim view binds the form the page showed; who the person may claim for is looked up once."""
        member, unit = make_member(unit_name="区医保局")
        wish = make_wish()
        sign_in(client, member)
        url = reverse("wishes:claim", kwargs={"pk": wish.pk})
        response = client.post(url, {"unit": "不是编号"}, follow=True)
        assert "不是这个共建单位的成员" in response.text
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"unit": str(unit.pk)})
        assert response.status_code == 302
        assert Wish.objects.get(pk=wish.pk).live_claim.unit == unit
        volunteer_lookups = [q for q in queries.captured_queries if 'FROM "volunteers_volunteer"' in q["sql"]]
        unit_lookups = [q for q in queries.captured_queries if 'INNER JOIN "volunteers_partnermembership"' in q["sql"]]
        assert (len(volunteer_lookups), len(unit_lookups)) == (1, 1)

    def test_confirming_someone_else_s_wish_is_refused(self, client):
        wish = make_wish(status="fulfilled")
        sign_in(client, UserFactory())
        response = client.post(reverse("wishes:confirm", kwargs={"pk": wish.pk}), {"thanks": "x"}, follow=True)
        assert "只有发布心愿的居民可以确认" in response.text

    @pytest.mark.parametrize("view", ["publish", "reject", "close", "reopen"])
    def test_residents_and_volunteers_cannot_review(self, client, view):
        wish = make_wish(status=None)
        sign_in(client, make_volunteer())
        response = client.post(reverse(f"wishes:{view}", kwargs={"pk": wish.pk}), {"reason": "x"})
        assert response.status_code == 403
        assert Wish.objects.get(pk=wish.pk).status == Wish.Status.SUBMITTED

    def test_actions_are_post_only(self, client):
        wish = make_wish()
        sign_in(client, make_volunteer())
        assert client.get(reverse("wishes:claim", kwargs={"pk": wish.pk})).status_code == 405

    def test_the_review_queue_approves_in_one_click_and_returns_to_the_queue(self, client):
        wish = make_wish(status=None)
        sign_in(client, StaffFactory(groups=["审核员"]))
        response = client.post(reverse("wishes:publish", kwargs={"pk": wish.pk}), {"next": reverse("wishes:review")})
        assert response.url == reverse("wishes:review")
        assert Wish.objects.get(pk=wish.pk).status == Wish.Status.PUBLISHED

    def test_staff_attach_a_wish_entered_for_a_resident_to_their_new_account(self, client):
        staff = StaffFactory(groups=["网格员"])
        wish = Wish.submit(
            by=staff,
            on_behalf=True,
            resident_name="张奶奶",
            consent_note="电话同意",
            title="帮忙修水龙头",
            description="厨房水龙头一直滴水。",
            category=Wish.Category.REPAIR,
            building=BuildingFactory(),
            needed_by=timezone.localdate() + timedelta(days=3),
            contact_phone=PHONE,
            contact_address=ADDRESS,
        )
        resident = UserFactory(username="13912345678")
        sign_in(client, staff)
        client.post(reverse("wishes:attach", kwargs={"pk": wish.pk}), {"username": "139 1234 5678"})
        assert Wish.objects.get(pk=wish.pk).owner == resident


class TestWallAndQueries:
    @pytest.fixture
    def many(self):
        reviewer = StaffFactory(groups=["审核员"])
        building = BuildingFactory()
        made = []
        for index in range(30):
            status = ["published", "claimed", "fulfilled", "confirmed"][index % 4]
            made.append(
                make_wish(status=status, reviewer=reviewer, building=building, title=f"心愿第{index}个需要帮助")
            )
        member, unit = make_member()
        made.append(make_wish(reviewer=reviewer, building=building))
        made[-1].claim(by=member, unit=unit)
        return made

    def test_the_wall_filters_by_category_and_status(self, client, many):
        response = client.get(reverse("wishes:wall"), {"status": "claimed"})
        assert {w.status for w in response.context["object_list"]} == {Wish.Status.CLAIMED}
        response = client.get(reverse("wishes:wall"), {"category": Wish.Category.HEALTH})
        assert list(response.context["object_list"]) == []
        assert response.context["counts"]["claimed"] == 9

    def test_cards_show_the_needed_by_date_only_while_help_is_still_needed(self, client, many):
        for status, shown in (("published", True), ("claimed", True), ("done", False)):
            cards = (
                client.get(reverse("wishes:wall"), {"status": status}).content.decode().split('class="wish-card')[1:]
            )
            assert cards and all(("前完成" in card) is shown for card in cards), status

    def test_the_wall_runs_a_constant_small_number_of_queries(self, client, many, django_assert_max_num_queries):
        with django_assert_max_num_queries(10):
            client.get(reverse("wishes:wall"))
        sign_in(client, make_volunteer())
        with django_assert_max_num_queries(10):
            client.get(reverse("wishes:wall"))

    def test_a_wish_page_runs_a_constant_small_number_of_queries(self, client, many, django_assert_max_num_queries):
        wish = many[2]  # fulfilled, with a long timeline
        with django_assert_max_num_queries(10):
            client.get(detail(wish))

    def test_pages_are_valid_html(self, client, many, html_checker):
        sign_in(client, many[1].claimant)
        for url in (reverse("wishes:wall"), detail(many[1]), detail(many[3]), reverse("wishes:claimed")):
            html_checker.assert_valid(client.get(url).text, url)
        sign_in(client, many[0].owner)
        for url in (reverse("wishes:mine"), reverse("wishes:submit")):
            html_checker.assert_valid(client.get(url).text, url)
        sign_in(client, StaffFactory(groups=["审核员", "网格员"]))
        for url in (reverse("wishes:review"), reverse("wishes:on_behalf"), detail(many[0])):
            html_checker.assert_valid(client.get(url).text, url)
