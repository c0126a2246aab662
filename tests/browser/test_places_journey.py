"""十五分钟便民服务圈 in a browser: an elderly resident, at 390 px in 大字模式, finds the nearest open clinic from
her home by clicks from the home page, and its phone; the demo's directory with its map at both widths."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Home
from places.models import Closure, PlaceReport
from tests.browser.audit import audit
from tests.browser.journeys import home, nav, sign_in, waiting
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    GridFactory,
    PlaceFactory,
    StaffFactory,
    UserFactory,
    add_hours,
    at,
)

pytestmark = pytest.mark.django_db(transaction=True)


def elderly_context(new_context, live_server, **options):
    context = new_context(**options)
    context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    return context


def test_an_elderly_resident_finds_the_nearest_open_clinic_and_calls_it(
    new_context, live_server, html_checker, tmp_path
):
    grid = GridFactory(name="第一网格")
    her_building = BuildingFactory(name="团结巷3栋", grid=grid, **at(0, 0))
    BuildingFactory(name="团结巷9栋", grid=grid, **at(400, 0))
    StaffFactory(username="gridworker1", groups=["网格员"])
    resident = UserFactory(username="liushufen", display_name="刘淑芬")
    Home.set_for(resident, building=her_building, unit="2", room="502")
    # The nearest clinic is closed today; the next one is open around the clock, as is one farther away.
    closed = PlaceFactory(name="康宁诊所", east=60, phone="0714-6203318")
    add_hours(closed, "00:00", "00:00")
    today = timezone.localdate()
    Closure.objects.create(place=closed, first_day=today, last_day=today, reason="医生外出培训")
    add_hours(PlaceFactory(name="仁和中医诊所", east=200, north=-50, phone="0714-6205526"), "00:00", "00:00")
    add_hours(PlaceFactory(name="纺织路口腔诊所", east=500, phone="0714-6207781"), "00:00", "00:00")
    add_hours(PlaceFactory(name="惠民药店", category="pharmacy", east=30), "00:00", "00:00")

    page = home(elderly_context(new_context, live_server))
    audit(page, html_checker, elderly=True)
    nav(page, "登录")
    audit(page, html_checker, elderly=True)
    page.get_by_label("手机号或用户名").fill("liushufen")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    audit(page, html_checker, elderly=True)

    nav(page, "首页")
    audit(page, html_checker, elderly=True)
    circle = page.get_by_role("region", name="十五分钟便民服务圈")
    circle.get_by_role("link", name=re.compile("^诊所")).click()
    expect(page.get_by_role("heading", name=re.compile("^诊所"))).to_contain_text("按从您家步行的时间排序")
    audit(page, html_checker, elderly=True)
    page.screenshot(path=tmp_path / "clinics-390-elderly.png", full_page=True)

    cards = page.locator(".place-card")
    expect(cards.first).to_contain_text("康宁诊所")
    expect(cards.first).to_contain_text("休息中")
    expect(cards.first).to_contain_text("今天休息（医生外出培训）")
    first_open = page.locator(".place-card", has=page.locator(".open-badge.is-open")).first
    expect(first_open.get_by_role("heading")).to_have_text("仁和中医诊所")
    expect(first_open).to_contain_text("营业中")
    call = first_open.get_by_role("link", name="拨打 0714-6205526")
    expect(call).to_have_attribute("href", "tel:07146205526")

    first_open.get_by_role("link", name="仁和中医诊所").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("仁和中医诊所")
    expect(page.locator("main")).to_contain_text("从您家走过去约")
    expect(page.get_by_role("link", name="拨打 0714-6205526")).to_have_attribute("href", "tel:07146205526")
    audit(page, html_checker, elderly=True)
    page.screenshot(path=tmp_path / "place-390-elderly.png", full_page=True)
    assert "团结巷3栋" not in page.locator("main .place-facts").inner_text()

    # The phone has changed: she says so, and the entry waits for the staff who keep the directory.
    page.get_by_role("link", name="信息有误？告诉社区").click()
    audit(page, html_checker, elderly=True)
    page.get_by_label("哪里不对？").fill("电话换成 0714-6205527 了。")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("社区工作人员核实后会更正")).to_be_visible()
    audit(page, html_checker, elderly=True)
    assert PlaceReport.objects.get().note == "电话换成 0714-6205527 了。"

    # The grid worker finds it on his 我的, corrects the place in the admin and tells her.
    staff = sign_in(new_context(viewport={"width": 1280, "height": 900}), "gridworker1")
    waiting(staff, "便民服务圈报错").get_by_role("link", name="便民服务圈报错").click()
    audit(staff, html_checker)
    expect(staff.locator("main")).to_contain_text("电话换成 0714-6205527 了。")
    staff.get_by_role("link", name="去改正这个地点").click()
    staff.get_by_label("电话").fill("0714-6205527")
    staff.get_by_role("button", name="保存", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("成功")
    staff.get_by_role("link", name="回到门户").click()
    nav(staff, "我的")
    waiting(staff, "便民服务圈报错").get_by_role("link", name="便民服务圈报错").click()
    staff.get_by_label("告诉报告人（选填）").fill("已改成新号码，谢谢您！")
    staff.get_by_role("button", name="已处理，告诉报告人").click()
    expect(staff.get_by_text("已标记为已处理")).to_be_visible()
    nav(page, "我的")
    audit(page, html_checker, elderly=True)
    page.get_by_role("link", name=re.compile("^消息")).click()
    expect(page.locator("main")).to_contain_text("您反映的“仁和中医诊所”的信息已处理，谢谢！")
    audit(page, html_checker, elderly=True)
    page.get_by_role("link", name=re.compile("仁和中医诊所")).click()
    expect(page.get_by_role("link", name="拨打 0714-6205527")).to_have_attribute("href", "tel:07146205527")


def test_the_demo_directory_with_its_map_in_both_modes(
    new_context, live_server, html_checker, media, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    for mode in ("standard", "elderly"):
        context = elderly_context(new_context, live_server) if mode == "elderly" else new_context()
        page = home(context)
        circle = page.get_by_role("region", name="十五分钟便民服务圈")
        circle.screenshot(path=tmp_path / f"home-part-390-{mode}.png")
        circle.get_by_role("link", name="全部").click()
        page.get_by_label("从哪栋楼出发").select_option(label="团结巷3栋")
        page.get_by_role("button", name="按步行时间排序").click()
        expect(page.get_by_role("heading", name=re.compile("全部地点"))).to_contain_text("按从团结巷3栋步行的时间排序")
        expect(page.locator(".community-map .map-place")).to_have_count(40)
        expect(page.get_by_role("img", name="社区示意图")).to_be_visible()
        audit(page, html_checker, elderly=mode == "elderly")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=tmp_path / f"places-{width}-{mode}.png", full_page=True)
            page.locator(".place-map-section").screenshot(path=tmp_path / f"places-map-{width}-{mode}.png")
