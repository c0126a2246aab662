"""Party members (党员): declaring with a separate consent, confirmation by staff or the branch secretary, the
badge by choice (亮身份), claiming wishes, and the member's data in the download, the erase and the export."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from community.models import AuditEntry, Notification, PartyMembership, PartyMembershipError, User
from party.services import membership_confirm, membership_reject
from portal.personal_data import user_delete
from tests.factories import ActivityFactory, PartyBranchFactory, PartyMembershipFactory, StaffFactory, UserFactory
from tests.signing_in import sign_in
from tests.wishes.helpers import make_wish
from volunteers.models import SignUp
from wishes.models import Wish

pytestmark = pytest.mark.django_db

DECLARATION = {"organisation": "第一网格党支部", "joined_year": "1998", "consent": "on"}


def party_office():
    return StaffFactory(groups=["党务"])


def declared(branch=None, **kwargs):
    return PartyMembershipFactory(status="declared", branch=branch, **kwargs)


def badge(user):
    return User.objects.get(pk=user.pk).shows_party_badge


# --- The rules on the model ----------------------------------------------------------------------


class TestDeclaring:
    def test_without_the_separate_consent_nothing_is_saved(self):
        resident = UserFactory()
        with pytest.raises(PartyMembershipError, match="单独勾选同意"):
            PartyMembership.declare(resident, organisation="第一网格党支部", joined_year=1998, consent=False)
        assert not PartyMembership.objects.exists()

    def test_a_declaration_waits_for_confirmation_and_records_the_consent(self):
        resident = UserFactory()
        membership = PartyMembership.declare(
            resident, organisation="市委党校机关党支部", joined_year=2001, consent=True
        )
        assert membership.status == PartyMembership.Status.DECLARED
        assert membership.consent_at is not None

    def test_a_correction_waits_for_confirmation_again_and_hides_the_badge_until_then(self):
        branch = PartyBranchFactory()
        membership = PartyMembershipFactory(branch=branch, shows_badge=True)
        assert badge(membership.member)
        PartyMembership.declare(
            membership.member, organisation="另一个党支部", joined_year=membership.joined_year, consent=True
        )
        membership.refresh_from_db()
        assert membership.status == PartyMembership.Status.DECLARED
        assert membership.shows_badge and not badge(membership.member)

    def test_declaring_again_after_a_rejection_asks_again(self):
        membership = PartyMembershipFactory(status="rejected", decision_note="核对不上")
        PartyMembership.declare(
            membership.member,
            organisation=membership.organisation,
            joined_year=membership.joined_year,
            consent=True,
        )
        membership.refresh_from_db()
        assert membership.status == PartyMembership.Status.DECLARED


class TestDeciding:
    def test_the_branch_secretary_confirms_and_the_member_is_told_and_the_trail_records_it(self):
        branch = PartyBranchFactory(secretary=UserFactory())
        membership = declared(branch)
        membership_confirm(membership=membership, by=branch.secretary)
        membership.refresh_from_db()
        assert membership.status == PartyMembership.Status.CONFIRMED
        assert membership.decided_by == branch.secretary
        assert Notification.objects.filter(recipient=membership.member, title__contains="已确认").exists()
        assert AuditEntry.objects.filter(action="partymembership.confirm", actor=branch.secretary).exists()

    def test_staff_with_the_permission_reject_with_a_reason_the_member_is_told(self):
        membership = declared()
        office = party_office()
        membership_reject(membership=membership, by=office, reason="组织关系不在本社区")
        membership.refresh_from_db()
        assert membership.status == PartyMembership.Status.REJECTED
        assert Notification.objects.get(recipient=membership.member).title.endswith("组织关系不在本社区")
        assert AuditEntry.objects.filter(action="partymembership.reject").exists()

    def test_a_rejection_needs_a_reason(self):
        membership = declared()
        with pytest.raises(PartyMembershipError, match="原因"):
            membership_reject(membership=membership, by=party_office(), reason="  ")
        assert PartyMembership.objects.get(pk=membership.pk).status == PartyMembership.Status.DECLARED

    @pytest.mark.parametrize("who", ["resident", "grid_worker", "other_secretary", "himself"])
    def test_nobody_else_may_decide(self, who):
        branch = PartyBranchFactory(secretary=UserFactory())
        membership = declared(branch)
        deciders = {
            "resident": UserFactory,
            "grid_worker": lambda: StaffFactory(groups=["网格员", "审核员"]),
            "other_secretary": lambda: PartyBranchFactory(secretary=UserFactory()).secretary,
            "himself": lambda: membership.member,
        }
        with pytest.raises(PermissionDenied):
            membership_confirm(membership=membership, by=deciders[who]())
        assert PartyMembership.objects.get(pk=membership.pk).status == PartyMembership.Status.DECLARED
        assert not Notification.objects.exists()

    def test_a_secretary_cannot_confirm_his_own_declaration(self):
        secretary = UserFactory()
        branch = PartyBranchFactory(secretary=secretary)
        membership = declared(branch, member=secretary)
        with pytest.raises(PermissionDenied):
            membership.confirm(by=secretary)

    def test_a_decided_declaration_is_not_decided_twice(self):
        membership = declared()
        office = party_office()
        membership_confirm(membership=membership, by=office)
        with pytest.raises(PartyMembershipError, match="已经处理过"):
            membership_reject(membership=membership, by=office, reason="再看看")


class TestTheBadge:
    def test_the_badge_is_off_until_a_confirmed_member_chooses_it(self):
        membership = PartyMembershipFactory()
        assert not badge(membership.member)
        membership.show_badge(True, by=membership.member)
        assert badge(membership.member)
        membership.show_badge(False, by=membership.member)
        assert not badge(membership.member)

    def test_an_unconfirmed_member_cannot_show_it(self):
        membership = declared()
        with pytest.raises(PartyMembershipError, match="确认后"):
            membership.show_badge(True, by=membership.member)
        assert not badge(membership.member)

    def test_only_the_member_chooses(self):
        membership = PartyMembershipFactory()
        with pytest.raises(PermissionDenied):
            membership.show_badge(True, by=party_office())

    def test_withdrawing_deletes_the_declaration_and_the_badge_goes(self):
        membership = PartyMembershipFactory(shows_badge=True)
        member = membership.member
        assert badge(member)
        membership.withdraw(by=member)
        assert not PartyMembership.objects.exists()
        assert not badge(member)


# --- The member's own page ------------------------------------------------------------------------


class TestMembershipPage:
    url = reverse("party:membership")

    def test_a_resident_finds_the_page_on_me(self, client):
        sign_in(client, UserFactory())
        assert self.url in client.get(reverse("me")).text

    def test_the_consent_box_starts_unticked_and_says_what_for_and_who_sees_it(self, client):
        sign_in(client, UserFactory())
        html = client.get(self.url).text
        assert 'name="consent"' in html and "checked" not in html.split('name="consent"')[1].split(">")[0]
        for words in ("确认党员身份", "支部的书记", "亮身份", "随时撤回"):
            assert words in html

    def test_without_consent_nothing_saves_the_message_says_why_and_the_typing_is_kept(self, client):
        sign_in(client, UserFactory())
        response = client.post(self.url, {**DECLARATION, "consent": "", "organisation": "市委党校机关党支部"})
        assert response.status_code == 200
        assert "单独勾选同意" in response.text
        assert "市委党校机关党支部" in response.text
        assert not PartyMembership.objects.exists()

    def test_a_declaration_is_saved_and_shown_as_waiting(self, client):
        resident = UserFactory()
        branch = PartyBranchFactory()
        sign_in(client, resident)
        response = client.post(self.url, {**DECLARATION, "branch": branch.pk}, follow=True)
        assert "已提交申报" in response.text and "待确认" in response.text
        assert PartyMembership.objects.get(member=resident).branch == branch

    @pytest.mark.parametrize("year", ["1900", "3000", "一九九八", ""])
    def test_an_impossible_joined_year_is_refused(self, client, year):
        sign_in(client, UserFactory())
        response = client.post(self.url, {**DECLARATION, "joined_year": year})
        assert response.status_code == 200 and "入党年份" in response.text
        assert not PartyMembership.objects.exists()

    def test_a_rejected_member_sees_the_reason(self, client):
        membership = PartyMembershipFactory(status="rejected", decision_note="组织关系不在本社区")
        sign_in(client, membership.member)
        html = client.get(self.url).text
        assert "未通过" in html and "组织关系不在本社区" in html

    def test_a_confirmed_member_turns_the_badge_on_and_off(self, client):
        membership = PartyMembershipFactory()
        sign_in(client, membership.member)
        assert "亮身份" in client.get(self.url).text
        response = client.post(reverse("party:show_badge"), {"shown": "1"}, follow=True)
        assert "已亮身份" in response.text and badge(membership.member)
        client.post(reverse("party:show_badge"), {"shown": "0"})
        assert not badge(membership.member)

    def test_a_waiting_member_is_not_offered_the_badge_and_a_forced_post_is_refused(self, client):
        membership = declared()
        sign_in(client, membership.member)
        assert "party:show_badge" not in client.get(self.url).text
        assert reverse("party:show_badge") not in client.get(self.url).text
        response = client.post(reverse("party:show_badge"), {"shown": "1"}, follow=True)
        assert "确认后才能选择亮身份" in response.text
        assert not badge(membership.member)

    def test_the_member_withdraws(self, client):
        membership = PartyMembershipFactory(shows_badge=True)
        sign_in(client, membership.member)
        response = client.post(reverse("party:withdraw_membership"), follow=True)
        assert "已撤回" in response.text
        assert not PartyMembership.objects.exists() and not badge(membership.member)

    def test_someone_without_a_declaration_has_nothing_to_withdraw_or_show(self, client):
        other = PartyMembershipFactory()
        sign_in(client, UserFactory())
        assert client.post(reverse("party:withdraw_membership")).status_code == 404
        assert client.post(reverse("party:show_badge"), {"shown": "1"}).status_code == 404
        assert PartyMembership.objects.filter(pk=other.pk).exists()

    def test_the_page_shows_only_one_s_own_declaration(self, client):
        PartyMembershipFactory(organisation="别人的党支部")
        sign_in(client, UserFactory())
        assert "别人的党支部" not in client.get(self.url).text


# --- Confirmation pages and the queue -----------------------------------------------------------


class TestConfirmationPages:
    url = reverse("party:declarations")

    def world(self):
        secretary = UserFactory(display_name="孙立平")
        branch = PartyBranchFactory(secretary=secretary)
        mine = declared(branch, member=UserFactory(display_name="蒋文博"))
        elsewhere = declared(PartyBranchFactory(), member=UserFactory(display_name="邓建民"))
        return secretary, mine, elsewhere

    def test_the_secretary_sees_his_branch_s_declaration_in_his_queue_and_confirms_it(self, client):
        secretary, mine, elsewhere = self.world()
        sign_in(client, secretary)
        me = client.get(reverse("me")).text
        assert "等我确认的党员身份" in me and "蒋文博" in me and "邓建民" not in me
        page = client.get(self.url).text
        assert "蒋文博" in page and "邓建民" not in page
        response = client.post(reverse("party:confirm_membership", kwargs={"pk": mine.pk}), follow=True)
        assert "已确认 蒋文博 的党员身份" in response.text
        assert PartyMembership.objects.get(pk=mine.pk).status == PartyMembership.Status.CONFIRMED
        assert client.post(reverse("party:confirm_membership", kwargs={"pk": elsewhere.pk})).status_code == 404

    def test_the_party_office_sees_every_declaration_and_rejects_with_a_reason(self, client):
        _secretary, mine, elsewhere = self.world()
        sign_in(client, party_office())
        page = client.get(self.url).text
        assert "蒋文博" in page and "邓建民" in page
        url = reverse("party:reject_membership", kwargs={"pk": elsewhere.pk})
        response = client.post(url, {"reason": ""}, follow=True)
        assert "请写明不予确认的原因" in response.text
        assert PartyMembership.objects.get(pk=elsewhere.pk).status == PartyMembership.Status.DECLARED
        client.post(url, {"reason": "组织关系不在本社区"})
        assert PartyMembership.objects.get(pk=elsewhere.pk).status == PartyMembership.Status.REJECTED

    @pytest.mark.parametrize("who", ["resident", "grid_worker", "other_secretary", "member"])
    def test_nobody_else_sees_any_declaration(self, client, who):
        _secretary, mine, elsewhere = self.world()
        people = {
            "resident": UserFactory,
            "grid_worker": lambda: StaffFactory(groups=["网格员", "审核员"]),
            "other_secretary": lambda: PartyBranchFactory(secretary=UserFactory()).secretary,
            "member": lambda: mine.member,
        }
        sign_in(client, people[who]())
        if who == "other_secretary":
            page = client.get(self.url)
            assert page.status_code == 200 and "蒋文博" not in page.text and "邓建民" not in page.text
        else:
            assert client.get(self.url).status_code == 403
        me = client.get(reverse("me")).text
        assert "等我确认的党员身份" not in me and "邓建民" not in me
        for name in ("party:confirm_membership", "party:reject_membership"):
            for membership in (mine, elsewhere):
                response = client.post(reverse(name, kwargs={"pk": membership.pk}), {"reason": "x"})
                assert response.status_code == 404
        assert PartyMembership.objects.waiting().count() == 2

    def test_anonymous_visitors_are_sent_to_sign_in_and_see_nothing(self, client):
        _secretary, mine, _elsewhere = self.world()
        response = client.get(self.url)
        assert response.status_code == 302 and "login" in response["Location"]
        assert client.post(reverse("party:confirm_membership", kwargs={"pk": mine.pk})).status_code == 302
        assert PartyMembership.objects.get(pk=mine.pk).status == PartyMembership.Status.DECLARED


# --- Claiming wishes --------------------------------------------------------------------------


class TestClaiming:
    def test_a_confirmed_party_member_claims_a_wish_as_a_person(self, client):
        membership = PartyMembershipFactory(shows_badge=True)
        wish = make_wish()
        sign_in(client, membership.member)
        assert "我来帮忙" in client.get(wish.get_absolute_url()).text
        client.post(reverse("wishes:claim", kwargs={"pk": wish.pk}))
        wish.refresh_from_db()
        assert wish.status == Wish.Status.CLAIMED and wish.live_claim.claimant == membership.member
        client.logout()
        assert 'class="party-badge"' in client.get(wish.get_absolute_url()).text

    @pytest.mark.parametrize("status", ["declared", "rejected"])
    def test_an_unconfirmed_declaration_does_not_let_one_claim(self, client, status):
        membership = PartyMembershipFactory(status=status)
        wish = make_wish()
        sign_in(client, membership.member)
        response = client.post(reverse("wishes:claim", kwargs={"pk": wish.pk}), follow=True)
        assert "确认过身份的党员" in response.text
        assert Wish.objects.get(pk=wish.pk).status == Wish.Status.PUBLISHED


# --- Personal data and the export -------------------------------------------------------------


class TestPersonalData:
    def test_the_download_holds_the_membership(self, client):
        membership = PartyMembershipFactory(organisation="市委党校机关党支部", shows_badge=True)
        sign_in(client, membership.member)
        response = client.get(reverse("my_data"))
        data = json.loads(response.content)
        assert data["party_membership"]["organisation"] == "市委党校机关党支部"
        assert data["party_membership"]["status"] == "已确认"
        assert data["party_membership"]["consent_at"]

    def test_deleting_the_account_erases_the_membership_and_the_badge(self):
        membership = PartyMembershipFactory(shows_badge=True)
        member = membership.member
        user_delete(user=member)
        assert not PartyMembership.objects.filter(member=member).exists()
        assert not badge(member)

    def test_holders_of_the_permission_export_the_confirmed_members(self, client):
        PartyMembershipFactory(member=UserFactory(display_name="宋德明"))
        declared(member=UserFactory(display_name="蒋文博"))
        office = party_office()
        sign_in(client, office)
        assert reverse("export_party_members", kwargs={"fmt": "xlsx"}) in client.get(reverse("me")).text
        response = client.get(reverse("export_party_members", kwargs={"fmt": "csv"}))
        text = response.content.decode("utf-8-sig")
        assert response.status_code == 200 and "宋德明" in text and "蒋文博" not in text
        assert AuditEntry.objects.filter(action="export.party_members", actor=office).exists()

    @pytest.mark.parametrize("role", [None, ["网格员", "审核员"], ["编辑"]])
    def test_everyone_else_is_refused_the_export(self, client, role):
        PartyMembershipFactory(member=UserFactory(display_name="宋德明"))
        sign_in(client, StaffFactory(groups=role) if role else PartyBranchFactory(secretary=UserFactory()).secretary)
        response = client.get(reverse("export_party_members", kwargs={"fmt": "csv"}))
        assert response.status_code == 403 and "宋德明" not in response.content.decode()

    def test_the_admin_of_declarations_is_only_for_holders_of_the_permission(self, client):
        PartyMembershipFactory(member=UserFactory(display_name="宋德明"))
        url = reverse("admin:community_partymembership_changelist")
        sign_in(client, StaffFactory(groups=["网格员", "审核员"]))
        assert client.get(url).status_code == 403
        assert "党员身份" not in client.get(reverse("admin:index")).text
        client.logout()
        sign_in(client, party_office())
        response = client.get(url)
        assert response.status_code == 200 and "宋德明" in response.text


def test_the_party_office_role_holds_the_permission():
    group = Group.objects.get(name="党务")
    assert group.permissions.filter(codename="confirm_partymembership").exists()


class TestTheBadgeForHosts:
    def test_the_check_in_list_shows_the_badge_of_a_member_who_chose_it_and_not_of_one_who_did_not(self, client):
        activity = ActivityFactory(team=None, audience="residents")
        shown = PartyMembershipFactory(member=UserFactory(display_name="宋德明"), shows_badge=True).member
        hidden = PartyMembershipFactory(member=UserFactory(display_name="冯秀兰")).member
        for person in (shown, hidden):
            SignUp.objects.create(activity=activity, person=person, code=f"{person.pk:06d}")
        sign_in(client, StaffFactory(groups=["网格员"]))
        html = client.get(reverse("volunteers:check_in", kwargs={"pk": activity.pk})).text
        rows = {name: html.split(name, 1)[1].split("</span>", 1)[0] for name in ("宋德明", "冯秀兰")}
        assert "party-badge" in rows["宋德明"] and "party-badge" not in rows["冯秀兰"]
