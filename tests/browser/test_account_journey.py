"""A resident's first visit: register, log out, log in, see “我的”, switch to elderly mode."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.audit import audit, body_font_size, small_controls
from tests.browser.journeys import home, nav

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_logout_login_and_switch_to_elderly_mode(page, html_checker):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    audit(page, html_checker)
    assert small_controls(page, 44) == []

    page.get_by_role("link", name="注册账号").first.click()
    audit(page, html_checker)
    page.get_by_label("手机号或用户名").fill("138 0013 8000")
    page.get_by_label("称呼").fill("王秀英")
    page.locator("input[name=password1]").fill("Jiangbin-2026!")
    page.get_by_label("密码确认").fill("Jiangbin-2026!")
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="注册").click()

    expect(page.get_by_text("注册成功，欢迎您，王秀英")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("王秀英，您好")
    # The phone number used as login is shown masked, even to its owner.
    expect(page.locator("main")).to_contain_text("138****8000")
    expect(page.locator("main")).not_to_contain_text("13800138000")

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="登录")).to_be_visible()

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="登录").click()
    audit(page, html_checker)
    page.get_by_label("手机号或用户名").fill("13800138000")
    page.get_by_label("密码").fill("Jiangbin-2026!")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("王秀英，您好")
    audit(page, html_checker)

    # Elderly-friendly mode: measured as the person gets it, not as a CSS class.
    assert body_font_size(page) < 20
    page.get_by_role("link", name="大字模式", exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    assert body_font_size(page) >= 20
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert small_controls(page, 60, label_counts=False) == [], f"controls under 60x60 px at {width}px"
    page.set_viewport_size({"width": 390, "height": 844})
    line_height = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).lineHeight)")
    assert line_height >= 1.5 * body_font_size(page)
    audit(page, html_checker, elderly=True)

    # On a phone the page comes first: a one-line header whose 菜单 unfolds the navigation.
    assert page.locator("main h1").bounding_box()["y"] < 844 / 4
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_role("button", name="菜单")).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页")).to_be_visible()
    expect(page.get_by_role("link", name="标准模式", exact=True)).to_be_visible()

    # The mode is kept on the next page.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    assert body_font_size(page) >= 20
    assert small_controls(page, 60, label_counts=False) == []
    audit(page, html_checker, elderly=True)

    # Keyboard: the first Tab reaches the skip link, which is then a big visible target.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到主要内容"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] >= 60 and box["width"] >= 60


def test_elderly_mode_toggle_works_without_javascript(new_context, html_checker):
    page = home(new_context(java_script_enabled=False))
    page.get_by_role("link", name="关于本站").click()
    assert body_font_size(page) < 20
    page.get_by_role("link", name="大字模式").click()
    expect(page).to_have_url(re.compile(r"/about/$"))
    assert body_font_size(page) >= 20
    page.get_by_role("link", name="标准模式").click()
    assert body_font_size(page) < 20


@pytest.mark.parametrize("entry", ["首页", "登录", "注册"])
def test_entry_pages_pass_in_elderly_mode(new_context, live_server, html_checker, entry):
    context = new_context()
    context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = home(context)
    if entry == "登录":
        nav(page, "登录")
    elif entry == "注册":
        page.get_by_role("link", name="注册账号").first.click()
    assert body_font_size(page) >= 20
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert small_controls(page, 60, label_counts=False) == [], f"controls under 60x60 px at {width}px"
    audit(page, html_checker, elderly=True)


def test_registration_errors_are_shown_next_to_the_fields_and_keep_the_input(page, html_checker):
    page.goto("/")
    page.get_by_role("link", name="注册账号").first.click()
    page.get_by_label("手机号或用户名").fill("1380013")
    page.get_by_label("称呼").fill("王秀英😀")
    page.get_by_label("电子邮箱（选填）").fill("wang@example.cn")
    page.locator("input[name=password1]").fill("12345678")
    page.get_by_label("密码确认").fill("12345678")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("手机号格式不正确")).to_be_visible()
    expect(page.get_by_text("称呼只能包含汉字")).to_be_visible()
    expect(page.get_by_text("请阅读并勾选同意")).to_be_visible()
    expect(page.get_by_label("电子邮箱（选填）")).to_have_value("wang@example.cn")
    audit(page, html_checker)
