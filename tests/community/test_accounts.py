"""Registration, login (by user name or phone), lockout, password reset and "我的"."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.signing_in import sign_in

User = get_user_model()
REGISTER = "/accounts/register/"


def registration(**overrides):
    data = {
        "username": "wangxiuying",
        "display_name": "王秀英",
        "email": "",
        "password1": "Jiangbin-2026!",
        "password2": "Jiangbin-2026!",
        "accept_privacy": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestRegistration:
    def test_a_resident_registers_with_a_phone_number_and_is_signed_in(self, client):
        response = client.post(REGISTER, registration(username="+86 139-1234-5678"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("me")
        user = User.objects.get()
        assert user.username == "13912345678"
        assert user.display_name == "王秀英"
        assert not user.is_staff
        assert response.context["user"] == user
        assert "139****5678" in response.text
        assert "13912345678" not in response.text

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("username", "1380013", "手机号格式不正确"),
            ("username", "12345678901", "手机号格式不正确"),
            ("username", "王" * 10_000, "最多 20 个字"),
            ("username", "wang 123", "用户名需为 2–20 个字符"),
            ("username", "小王😀", "用户名需为 2–20 个字符"),
            ("display_name", "王" * 10_000, "最多 20 个字"),
            ("display_name", "王秀英😀", "称呼只能包含汉字"),
            ("display_name", "<script>", "称呼只能包含汉字"),
            ("display_name", "", "这一项必须填写"),
            ("password1", "12345678", "密码不能全是数字"),
            ("password1", "abc", "密码太短了"),
            ("email", "not-an-email", "正确的电子邮箱地址"),
            ("accept_privacy", "", "请阅读并勾选同意"),
        ],
    )
    def test_bad_input_gets_a_chinese_message_and_keeps_the_other_fields(self, client, field, value, message):
        data = registration(email="wang@example.cn")
        data[field] = value
        if field == "password1":
            data["password2"] = value
        response = client.post(REGISTER, data)
        assert response.status_code == 200
        assert message in response.text
        assert User.objects.count() == 0
        # What the person typed elsewhere is still there.
        if field != "display_name":
            assert 'value="王秀英"' in response.text
        if field != "email":
            assert 'value="wang@example.cn"' in response.text

    def test_a_taken_user_name_is_refused_whatever_its_letter_case(self, client):
        UserFactory(username="WangXiuying")
        response = client.post(REGISTER, registration(username="wangxiuying"))
        assert "这个用户名已被别人使用" in response.text
        assert User.objects.count() == 1

    def test_a_registered_phone_number_is_refused_in_any_spelling(self, client):
        UserFactory(username="13912345678")
        response = client.post(REGISTER, registration(username="139 1234 5678"))
        assert "这个手机号已经注册过了" in response.text

    def test_the_error_page_is_valid_html(self, client, html_checker):
        response = client.post(REGISTER, registration(username="1380013", display_name="😀"))
        html_checker.assert_valid(response.text, "registration with errors")

    def test_a_signed_in_person_is_sent_to_their_page(self, client):
        sign_in(client, UserFactory())
        assert client.get(REGISTER).url == reverse("me")


@pytest.mark.django_db
class TestLogin:
    @pytest.mark.parametrize("typed", ["13912345678", "139 1234 5678", "+86 13912345678", "139-1234-5678"])
    def test_a_resident_logs_in_with_the_phone_number_in_any_common_spelling(self, client, typed):
        UserFactory(username="13912345678")
        response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
        assert response.status_code == 302
        assert response.url == reverse("me")

    def test_a_user_name_is_not_case_sensitive_at_login(self, client):
        UserFactory(username="LiJianguo")
        response = client.post(reverse("login"), {"username": "lijianguo", "password": PASSWORD})
        assert response.status_code == 302

    def test_a_wrong_password_gets_a_chinese_message(self, client):
        UserFactory(username="lijianguo")
        response = client.post(reverse("login"), {"username": "lijianguo", "password": "wrong"})
        assert response.status_code == 200
        assert "手机号/用户名或密码不正确" in response.text

    def test_logout_is_a_post(self, client):
        sign_in(client, UserFactory())
        assert client.get(reverse("logout")).status_code == 405
        assert client.post(reverse("logout")).status_code == 302
        assert client.get(reverse("me")).status_code == 302


@pytest.mark.django_db
class TestMyPage:
    def test_me_needs_a_login(self, client):
        response = client.get(reverse("me"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_me_shows_the_account(self, client):
        user = UserFactory(display_name="张桂兰", email="zhang@example.cn")
        sign_in(client, user)
        response = client.get(reverse("me"))
        assert "张桂兰，您好" in response.text
        assert "张**" in response.text
        assert "zhang@example.cn" in response.text

    def test_a_resident_edits_their_profile(self, client):
        user = UserFactory(display_name="张桂兰")
        sign_in(client, user)
        response = client.post(reverse("profile"), {"display_name": "张桂芳", "email": ""})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.display_name == "张桂芳"

    def test_a_bad_profile_edit_changes_nothing(self, client):
        user = UserFactory(display_name="张桂兰")
        sign_in(client, user)
        response = client.post(reverse("profile"), {"display_name": "😀", "email": "x"})
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.display_name == "张桂兰"


@pytest.mark.django_db
class TestPasswordReset:
    def test_reset_by_email_sends_a_working_link(self, client, mailoutbox):
        user = UserFactory(username="lijianguo", email="li@example.cn", display_name="李建国")
        response = client.post(reverse("password_reset"), {"email": "li@example.cn"})
        assert response.status_code == 302
        assert len(mailoutbox) == 1
        body = mailoutbox[0].body
        assert "李建国，您好" in body
        link = next(line for line in body.splitlines() if "/accounts/password/reset/" in line)
        path = link.split("testserver", 1)[1]
        response = client.get(path, follow=True)
        response = client.post(
            response.redirect_chain[-1][0], {"new_password1": "Xin-mima-2026", "new_password2": "Xin-mima-2026"}
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password("Xin-mima-2026")

    def test_an_unknown_email_looks_the_same_and_sends_nothing(self, client, mailoutbox):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
        assert response.status_code == 302
        assert mailoutbox == []

    def test_the_reset_page_explains_help_for_residents_without_email(self, client):
        assert "没有填写邮箱" in client.get(reverse("password_reset")).text


@pytest.mark.django_db
class TestStaffAssistedReset:
    ACTION = "make_password_reset_links"

    def post_action(self, client, resident):
        return client.post(
            reverse("admin:community_user_changelist"),
            {"action": self.ACTION, "_selected_action": [resident.pk]},
        )

    def test_a_grid_worker_makes_a_reset_link_for_a_resident_without_email(self, client):
        resident = UserFactory(username="13912345678", display_name="刘淑芬")
        sign_in(client, StaffFactory(groups=["网格员"]))
        response = self.post_action(client, resident)
        assert response.status_code == 200
        assert "刘淑芬" in response.text
        assert "139****5678" in response.text
        link = response.context["links"][0][1]
        response = client.get(link.split("testserver", 1)[1], follow=True)
        assert response.context["validlink"] is True

    def test_an_editor_cannot_make_reset_links(self, client):
        resident = UserFactory()
        sign_in(client, StaffFactory(groups=["编辑"]))
        response = self.post_action(client, resident)
        # Editors cannot even open the user list.
        assert response.status_code == 403

    def test_a_resident_cannot_reach_the_admin(self, client):
        sign_in(client, UserFactory())
        response = client.get(reverse("admin:community_user_changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response.url
