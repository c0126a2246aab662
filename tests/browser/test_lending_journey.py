"""The lending box by clicks from the home page: a resident on her phone asks to borrow an umbrella and finds it
on 我的; a grid worker at the desk finds the request on his 我的, hands it over with a due date and later records
the return. And the public box in both display modes, at both widths."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.images import store_upload
from lending.demo import ITEMS, picture_upload
from lending.models import Item, Loan
from tests.browser.audit import audit, small_controls
from tests.browser.journeys import home, nav, sign_in, waiting
from tests.browser.pictures import image_loaded
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def stock_the_box():
    """The demo's twelve items with their drawn pictures; the umbrellas down to one, the wheelchairs all out."""
    for order, (name, description, quantity, place, deposit, note, days, picture) in enumerate(ITEMS, start=1):
        Item.objects.create(
            name=name,
            description=description,
            quantity=1 if name == "雨伞" else quantity,
            collect_at=place,
            deposit=deposit,
            deposit_note=note,
            loan_days=days,
            order=order,
            photo=store_upload(picture_upload(picture, order), alt=name),
        )
    desk = StaffFactory(username="desk1")
    wheelchair = Item.objects.get(name="轮椅")
    for number in range(wheelchair.quantity):
        Loan.request(item=wheelchair, by=UserFactory(username=f"neighbour{number}")).hand_over(
            by=desk, due_on=timezone.localdate() + timedelta(days=7)
        )


def test_a_resident_borrows_an_umbrella_and_a_grid_worker_hands_it_over_and_takes_it_back(
    new_context, html_checker, media, tmp_path
):
    stock_the_box()
    StaffFactory(username="grid1", display_name="赵建华", groups=["网格员"])
    UserFactory(username="liushufen", display_name="刘淑芬")

    # On her phone, from the home page, she finds the lending box and the umbrella.
    resident = sign_in(new_context(), "liushufen")
    nav(resident, "首页")
    section = resident.locator("section", has=resident.get_by_role("heading", name="爱心百宝箱"))
    expect(section).to_contain_text("雨伞")
    section.get_by_role("link", name=re.compile("去百宝箱看看")).click()
    expect(resident.get_by_role("heading", name="爱心百宝箱", level=1)).to_be_visible()
    expect(resident.locator(".item-card", has_text="轮椅")).to_contain_text("暂时借完了")
    audit(resident, html_checker)
    umbrella = resident.locator(".item-card", has_text="雨伞")
    expect(umbrella).to_contain_text("现在可借 1 件")
    assert image_loaded(umbrella.locator("img"))
    umbrella.get_by_role("link").click()
    audit(resident, html_checker)
    resident.get_by_label("留言（选填）").fill("下午来拿")
    resident.get_by_role("button", name="我想借").click()
    expect(resident.get_by_text("已申请借用")).to_be_visible()
    expect(resident.locator(".wish-status")).to_have_text("已申请，待领取")
    audit(resident, html_checker)

    # The box now says the umbrellas are all spoken for.
    resident.get_by_role("link", name="看看“雨伞”").click()
    expect(resident.locator(".item-available")).to_contain_text("暂时借完了")

    # Her 我的 shows it.
    nav(resident, "我的")
    panel = resident.locator("section", has=resident.get_by_role("heading", name="爱心百宝箱"))
    expect(panel).to_contain_text("雨伞 · 已申请，待领取")
    resident.screenshot(path=tmp_path / "me-390-requested.png", full_page=True)

    # The grid worker at the desk finds the request on his 我的 and hands it over with a due date.
    staff = sign_in(new_context(viewport=DESKTOP), "grid1")
    requests = waiting(staff, "待借出的百宝箱物品")
    expect(requests).to_contain_text("雨伞 · 刘淑芬")
    audit(staff, html_checker)
    requests.get_by_role("link", name="雨伞 · 刘淑芬").click()
    expect(staff.locator("main")).to_contain_text("下午来拿")
    audit(staff, html_checker)
    staff.screenshot(path=tmp_path / "loan-1280-staff.png", full_page=True)
    due = timezone.localdate() + timedelta(days=5)
    staff.get_by_label("归还日期").fill(due.isoformat())
    staff.get_by_role("button", name="确认借出").click()
    expect(staff.get_by_text("已登记借出")).to_be_visible()
    expect(staff.locator(".wish-status")).to_have_text("借用中")

    # She sees it out, with the day to bring it back, and the message that says so.
    nav(resident, "我的")
    expect(panel).to_contain_text(f"雨伞 · 借用中，{due.month}月{due.day}日前归还")

    # Later she brings it back: the grid worker goes to 借还登记 and records the return.
    nav(staff, "我的")
    staff.locator("section", has=staff.get_by_role("heading", name="爱心百宝箱")).get_by_role(
        "link", name="借还登记"
    ).click()
    audit(staff, html_checker)
    staff.screenshot(path=tmp_path / "desk-1280.png", full_page=True)
    staff.locator("#out-title").locator("xpath=../..").get_by_role("link", name="雨伞").click()
    staff.get_by_label("归还情况（选填）").fill("完好")
    staff.get_by_role("button", name="确认已归还").click()
    expect(staff.get_by_text("已登记归还")).to_be_visible()
    audit(staff, html_checker)

    # Her list of loans says it is back; the umbrella can be borrowed again.
    nav(resident, "我的")
    panel.get_by_role("link", name="我借用的物品").click()
    expect(resident.locator("main")).to_contain_text("已归还")
    audit(resident, html_checker)
    nav(resident, "首页")
    expect(resident.locator("section", has=resident.get_by_role("heading", name="爱心百宝箱"))).to_contain_text("雨伞")


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_the_public_lending_box_on_a_phone_and_a_desktop(
    new_context, live_server, html_checker, media, tmp_path, elderly
):
    stock_the_box()
    context = new_context()
    if elderly:
        context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = home(context)
    page.get_by_role("link", name=re.compile("去百宝箱看看")).click()
    expect(page.locator(".item-card")).to_have_count(12)
    mode = "elderly" if elderly else "standard"
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for image in page.locator(".item-card img").all():
            assert image_loaded(image)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=tmp_path / f"lending-box-{width}-{mode}.png", full_page=True)
        if elderly:
            assert small_controls(page, 60, label_counts=False) == [], f"at {width}px"
    audit(page, html_checker, elderly=elderly)
    page.set_viewport_size({"width": 390, "height": 900})
    page.get_by_role("link", name=re.compile("电子血压计")).click()
    page.screenshot(path=tmp_path / f"lending-item-390-{mode}.png", full_page=True)
    audit(page, html_checker, elderly=elderly)
