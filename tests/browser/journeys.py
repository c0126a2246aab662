"""How a person moves through the portal in a browser: from the home page, by clicking, never by typing an address."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.signing_in import authenticator_code


def home(context):
    """A new tab on the home page: the only address a journey types."""
    page = context.new_page()
    page.goto("/")
    return page


def nav(page, name):
    """Click an item of the main navigation (in 大字模式 on a phone, after opening the folded menu)."""
    menu = page.locator(".menu-toggle")
    if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
        menu.click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=re.compile(f"^{name}")).click()


def sign_in(context, username, password=PASSWORD):
    """From the home page through the header's 登录 to the person's 我的."""
    page = home(context)
    nav(page, "登录")
    page.get_by_label("手机号或用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if "/second-step/set-up/" in page.url:
        # Staff who may export personal data set up an authenticator first: "scan" the key the page shows.
        key = page.locator(".otp-key").inner_text()
        page.get_by_label("验证码").fill(authenticator_code(key))
        page.get_by_role("button", name="完成设置").click()
        expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
        page.get_by_role("link", name="我已记下，继续").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    return page


def waiting(page, queue):
    """On 我的, the part of "等我处理" that is ``queue``."""
    return page.locator(".waiting-queue", has_text=queue)
