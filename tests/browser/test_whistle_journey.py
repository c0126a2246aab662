"""The red whistle's whole loop, by clicks from the home page: a report, a whistle, a unit that answers, one
that stays silent and is withdrawn, the closing, and the resident's rating."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.audit import audit, small_controls
from tests.browser.journeys import home, nav, sign_in, waiting
from tests.browser.pictures import image_loaded
from tests.factories import BuildingFactory, GridFactory, PartnerUnitFactory, StaffFactory, UserFactory
from tests.images import image_bytes
from volunteers.models import PartnerMembership

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_silent_unit_is_withdrawn_the_whistle_closes_and_the_resident_rates(
    new_context, html_checker, media, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    worker = StaffFactory(username="grid1", groups=["网格员"])
    BuildingFactory(name="团结巷5栋", grid=GridFactory(name="第一网格", grid_worker=worker))
    UserFactory(username="reporter1", display_name="刘淑芬")
    for name, username in (("区建设局", "jianshe"), ("供电所", "gongdian")):
        PartnerMembership.objects.create(unit=PartnerUnitFactory(name=name), user=UserFactory(username=username))
    before = tmp_path / "before.jpg"
    before.write_bytes(image_bytes(1200, 800, color=(90, 80, 70)))
    after = tmp_path / "after.jpg"
    after.write_bytes(image_bytes(1200, 800, color=(120, 180, 120)))

    # A resident reports the problem with a photo.
    resident = sign_in(new_context(), "reporter1")
    nav(resident, "红哨子")
    resident.get_by_role("link", name="随手拍 · 反映问题").click()
    audit(resident, html_checker)
    resident.get_by_label("类别").select_option(label="环境卫生")
    resident.get_by_label("问题描述").fill("楼后空地堆满垃圾，气味很大。")
    resident.get_by_label("在哪栋楼附近").select_option(label="第一网格 · 团结巷5栋")
    resident.get_by_label("具体位置").fill("楼后空地")
    resident.get_by_label("照片").set_input_files(str(before))
    resident.get_by_role("button", name="提交").click()
    expect(resident.get_by_text("问题已经上报")).to_be_visible()
    assert image_loaded(resident.locator(".before-after img").first)

    # The grid worker of that grid finds it waiting on his 我的, and blows the whistle to two units.
    staff = sign_in(new_context(viewport={"width": 1280, "height": 900}), "grid1")
    reports = waiting(staff, "待处理的问题反映")
    expect(reports).to_contain_text("环境卫生 · 团结巷5栋楼后空地")
    audit(staff, html_checker)
    reports.get_by_role("link", name=re.compile("团结巷5栋楼后空地")).click()
    staff.get_by_role("link", name="吹哨", exact=True).click()
    staff.get_by_label("要解决的问题").fill("清理团结巷5栋楼后卫生死角")
    staff.get_by_label("区建设局").check()
    staff.get_by_label("供电所").check()
    staff.get_by_role("button", name="吹响哨子").click()
    expect(staff.get_by_text("哨子已吹响")).to_be_visible()

    # One unit's member finds the call on his 我的, with the problem's photo, and answers it.
    member = sign_in(new_context(), "jianshe")
    unit = member.locator("#me-unit").locator("..")
    expect(unit).to_contain_text("区建设局")
    expect(unit).to_contain_text("请在")
    assert image_loaded(unit.locator(".call-photos img").first)
    waiting(member, "呼叫我单位的红哨子").get_by_role("link", name="清理团结巷5栋楼后卫生死角").click()
    audit(member, html_checker)
    member.get_by_label("出动人数").fill("3")
    member.get_by_role("button", name="报到").click()
    expect(member.get_by_text("已报到，谢谢")).to_be_visible()
    member.get_by_role("button", name="我们的部分已完成").click()
    expect(member.get_by_text("已标记完成")).to_be_visible()

    # The other unit stays silent: staff withdraw its call, then close the loop with photos.
    nav(staff, "我的")
    staff.locator("#me-whistles").locator("..").get_by_role("link", name="问题处理").click()
    staff.get_by_role("link", name="清理团结巷5栋楼后卫生死角").click()
    expect(staff.locator("main")).to_contain_text("还在等：供电所")
    staff.get_by_text("有单位一直不应哨：撤回对它的呼叫").click()
    staff.get_by_label("撤回对哪个单位的呼叫").select_option(label="供电所")
    staff.get_by_label("撤回原因").fill("三次联系未响应，改由区建设局一并处理")
    staff.get_by_role("button", name="撤回呼叫").click()
    expect(staff.get_by_text("已撤回呼叫")).to_be_visible()
    expect(staff.locator(".call-card", has_text="供电所")).to_contain_text("未应哨")
    staff.get_by_label("处理结果").fill("垃圾已清运，空地已平整，摆放了分类垃圾桶。")
    staff.get_by_label("处理前照片（选填）").set_input_files(str(before))
    staff.get_by_label("处理后照片（选填）").set_input_files(str(after))
    staff.get_by_role("button", name="结束并请居民评价").click()
    expect(staff.get_by_text("已结束")).to_be_visible()

    # The resident is asked to rate it on her 我的.
    nav(resident, "我的")
    waiting(resident, "问题已解决，请我评价").get_by_role("link", name="清理团结巷5栋楼后卫生死角").click()
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_label("意见（选填）").fill("干净多了，谢谢！")
    resident.get_by_role("button", name="提交评价").click()
    expect(resident.get_by_text("谢谢您的评价")).to_be_visible()

    # Anyone can read the whole story, with nothing private in it.
    visitor = home(new_context())
    nav(visitor, "红哨子")
    audit(visitor, html_checker)
    visitor.get_by_role("link", name=re.compile("清理团结巷5栋楼后卫生死角")).click()
    main = visitor.locator("main")
    expect(main).to_contain_text("已解决")
    expect(main).to_contain_text("3 人前往")
    expect(main).to_contain_text("未应哨")
    expect(main).to_contain_text("垃圾已清运")
    expect(main).to_contain_text("干净多了，谢谢！")
    expect(visitor.locator(".before-after figure")).to_have_count(2)
    expect(main).not_to_contain_text("刘淑芬")
    audit(visitor, html_checker)


def test_the_whistle_board_in_elderly_mode(new_context, live_server, html_checker):
    context = new_context()
    context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = home(context)
    nav(page, "红哨子")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert small_controls(page, 60, label_counts=False) == [], f"at {width}px"
    audit(page, html_checker, elderly=True)
