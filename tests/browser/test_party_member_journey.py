"""A resident becomes a confirmed party member, shows his badge (亮身份) and claims a wish, by clicks from the home
page at 390 px: he declares with the separate consent, the branch secretary confirms it from his 我的, and the
badge is next to his name on the wish he claimed."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.audit import audit
from tests.browser.journeys import home, nav, sign_in, waiting
from tests.factories import GridFactory, PartyBranchFactory, UserFactory
from tests.wishes.helpers import make_wish

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280)


def shoot(page, live_server, path, name):
    """Screenshots at 390 and 1280 px, in the standard display and in 大字模式 (the cookie the header's switch
    sets), then back to the standard display."""
    original = page.viewport_size
    for mode in ("standard", "elderly"):
        if mode == "elderly":
            page.context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
            page.reload()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=path / f"{name}-{width}-{mode}.png", full_page=True)
    page.context.clear_cookies(name="elderly")
    page.reload()
    page.set_viewport_size(original)


def test_a_resident_declares_is_confirmed_shows_his_badge_and_claims_a_wish(
    new_context, live_server, html_checker, tmp_path
):
    secretary = UserFactory(username="sunliping", display_name="孙立平")
    PartyBranchFactory(name="第一网格党支部", grid=GridFactory(name="第一网格"), secretary=secretary)
    UserFactory(username="songdeming", display_name="宋德明")
    make_wish(title="想请人帮忙换个灯泡")

    # The resident declares on his phone, from 我的; the consent box starts unticked and is needed.
    resident = sign_in(new_context(), "songdeming")
    resident.get_by_role("link", name="申报党员身份").click()
    audit(resident, html_checker)
    consent = resident.get_by_label(re.compile("我同意社区处理我的党员身份信息"))
    expect(consent).not_to_be_checked()
    resident.get_by_label("组织关系所在党组织").fill("第一网格党支部")
    resident.get_by_label("所在网格党支部（选填）").select_option(label="第一网格党支部")
    resident.get_by_label("入党年份").fill("1978")
    resident.get_by_role("button", name="提交申报").click()
    expect(resident.get_by_text("需要您单独勾选同意")).to_be_visible()
    expect(resident.get_by_label("组织关系所在党组织")).to_have_value("第一网格党支部")
    resident.get_by_label(re.compile("我同意社区处理我的党员身份信息")).check()
    resident.get_by_role("button", name="提交申报").click()
    expect(resident.get_by_text("已提交申报")).to_be_visible()
    expect(resident.locator(".membership-status")).to_have_text("待确认")
    expect(resident.get_by_role("button", name="亮身份")).to_have_count(0)

    # The branch secretary, a resident himself, finds it waiting on his 我的 and confirms it.
    secretary_page = sign_in(new_context(viewport={"width": 1280, "height": 900}), "sunliping")
    waiting(secretary_page, "等我确认的党员身份").get_by_role("link", name="等我确认的党员身份").click()
    audit(secretary_page, html_checker)
    expect(secretary_page.locator("main")).to_contain_text("宋德明")
    secretary_page.get_by_role("button", name="确认", exact=True).click()
    expect(secretary_page.get_by_text("已确认 宋德明 的党员身份")).to_be_visible()

    # The resident reads the news on his page and chooses 亮身份.
    nav(resident, "我的")
    resident.get_by_role("link", name="查看党员身份").click()
    expect(resident.locator(".membership-status")).to_have_text("已确认")
    resident.get_by_role("button", name="亮身份").click()
    expect(resident.get_by_text("已亮身份")).to_be_visible()
    audit(resident, html_checker)
    shoot(resident, live_server, tmp_path, "membership")
    resident.context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    resident.reload()
    audit(resident, html_checker, elderly=True)
    resident.context.clear_cookies(name="elderly")

    # He claims a wish like a volunteer; his name carries the badge on the wish, for everyone.
    nav(resident, "微心愿")
    resident.get_by_role("link", name=re.compile("想请人帮忙换个灯泡")).click()
    resident.get_by_role("button", name="认领这个心愿").click()
    expect(resident.get_by_text("认领成功")).to_be_visible()
    visitor = home(new_context())
    nav(visitor, "微心愿")
    card = visitor.locator(".wish-card", has_text="想请人帮忙换个灯泡")
    expect(card.locator(".party-badge")).to_have_text("党员")
    card.click()
    claimant = visitor.locator(".wish-facts-list dd", has_text="宋**")
    expect(claimant.locator(".party-badge")).to_have_text("党员")
    audit(visitor, html_checker)
    shoot(visitor, live_server, tmp_path, "wish-with-badge")
    visitor.context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    visitor.reload()
    audit(visitor, html_checker, elderly=True)
    print(f"screenshots in {tmp_path}")
