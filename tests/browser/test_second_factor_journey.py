"""A grid worker's second factor, by clicks from the home page: set up at the first sign-in, asked for at the
next, recovery codes replaced from 账户安全; in elderly mode on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.audit import audit
from tests.browser.journeys import home, nav
from tests.factories import PASSWORD, StaffFactory
from tests.signing_in import authenticator_code

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username):
    nav(page, "登录")
    page.get_by_label("手机号或用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_grid_worker_sets_up_the_authenticator_then_gives_its_code_at_each_sign_in(
    new_context, html_checker, tmp_path
):
    StaffFactory(username="grid1", display_name="赵建华", groups=["网格员"])
    context = new_context()
    page = home(context)
    page.get_by_role("link", name="大字模式", exact=True).click()
    log_in(page, "grid1")

    expect(page.get_by_role("heading", name="设置两步验证")).to_be_visible()
    audit(page, html_checker, elderly=True)
    page.screenshot(path=tmp_path / "enrol-390-elderly.png", full_page=True)
    expect(page.locator(".otp-qr svg")).to_be_visible()
    page.get_by_label("验证码").fill("000000")
    page.get_by_role("button", name="完成设置").click()
    expect(page.get_by_text("验证码不正确")).to_be_visible()
    expect(page.get_by_label("验证码")).to_have_value("000000")

    page.wait_for_timeout(1100)  # django-otp makes the device wait a second after a wrong code
    key = page.locator(".otp-key").inner_text()
    page.get_by_label("验证码").fill(authenticator_code(key))
    page.get_by_role("button", name="完成设置").click()
    expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    audit(page, html_checker, elderly=True, answer_to_a_form=True)
    page.get_by_role("link", name="我已记下，继续").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("赵建华")

    # 我的 → 密码与账户安全: the authenticator is on, and the codes can be replaced.
    page.get_by_role("link", name="密码与账户安全").click()
    expect(page.get_by_text("已开启")).to_be_visible()
    audit(page, html_checker, elderly=True)
    page.get_by_role("button", name="重新生成恢复码").click()
    expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
    fresh = page.locator(".recovery-codes code").all_inner_texts()
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    page.get_by_role("link", name="我已记下，继续").click()
    expect(page.get_by_role("heading", name="账户安全")).to_be_visible()

    # The next sign-in, on the office computer, asks for the code.
    desk = home(new_context(viewport={"width": 1280, "height": 900}))
    log_in(desk, "grid1")
    expect(desk.get_by_role("heading", name="两步验证")).to_be_visible()
    audit(desk, html_checker)
    desk.screenshot(path=tmp_path / "verify-1280.png", full_page=True)
    desk.get_by_role("link", name="首页").first.click()  # nothing else opens before the code is given
    expect(desk.get_by_role("heading", name="两步验证")).to_be_visible()
    desk.get_by_label("验证码").fill(fresh[0])
    desk.get_by_role("button", name="验证").click()
    expect(desk.get_by_text("您用了一个恢复码，还剩 9 个")).to_be_visible()
    expect(desk).to_have_url(re.compile(r"/$"))  # where she was going: the home page she clicked
