"""A problem from a resident's photo to a closed whistle and a rating, in the open."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.audit import audit, small_controls
from tests.browser.pictures import image_loaded
from tests.factories import PASSWORD, BuildingFactory, GridFactory, PartnerUnitFactory, StaffFactory, UserFactory
from tests.images import image_bytes
from volunteers.models import PartnerMembership

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(context, username):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("手机号或用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    return page


def test_report_whistle_report_in_close_and_rate(new_context, html_checker, media, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    BuildingFactory(name="团结巷5栋", grid=GridFactory(name="第一网格"))
    UserFactory(username="reporter1", display_name="刘淑芬")
    StaffFactory(username="grid1", groups=["网格员"])
    for name, username in (("区建设局", "jianshe"), ("供电所", "gongdian")):
        unit = PartnerUnitFactory(name=name)
        PartnerMembership.objects.create(unit=unit, user=UserFactory(username=username))
    before = tmp_path / "before.jpg"
    before.write_bytes(image_bytes(1200, 800, color=(90, 80, 70)))
    after = tmp_path / "after.jpg"
    after.write_bytes(image_bytes(1200, 800, color=(120, 180, 120)))

    # A resident reports the problem with a photo.
    resident = log_in(new_context(), "reporter1")
    resident.goto("/whistles/")
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

    # Staff blow the whistle to two units.
    staff = log_in(new_context(viewport={"width": 1280, "height": 900}), "grid1")
    staff.goto("/whistles/triage/")
    staff.get_by_role("link", name="吹哨", exact=True).last.click()
    staff.get_by_label("要解决的问题").fill("清理团结巷5栋楼后卫生死角")
    staff.get_by_label("区建设局").check()
    staff.get_by_label("供电所").check()
    staff.get_by_role("button", name="吹响哨子").click()
    expect(staff.get_by_text("哨子已吹响")).to_be_visible()
    whistle_url = staff.url

    # A member of each unit reports in and marks their part done.
    for username in ("jianshe", "gongdian"):
        member = log_in(new_context(), username)
        member.goto(whistle_url)
        member.get_by_label("出动人数").fill("3")
        member.get_by_role("button", name="报到").click()
        expect(member.get_by_text("已报到，谢谢")).to_be_visible()
        member.get_by_role("button", name="我们的部分已完成").click()
        expect(member.get_by_text("已标记完成")).to_be_visible()

    # Staff close it with an after photo.
    staff.goto(whistle_url)
    staff.get_by_label("处理结果").fill("垃圾已清运，空地已平整，摆放了分类垃圾桶。")
    staff.get_by_label("处理前照片（选填）").set_input_files(str(before))
    staff.get_by_label("处理后照片（选填）").set_input_files(str(after))
    staff.get_by_role("button", name="结束并请居民评价").click()
    expect(staff.get_by_text("已结束")).to_be_visible()

    # The resident rates it.
    resident.goto(whistle_url)
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_label("意见（选填）").fill("干净多了，谢谢！")
    resident.get_by_role("button", name="提交评价").click()
    expect(resident.get_by_text("谢谢您的评价")).to_be_visible()

    # Anyone can read the whole story, with nothing private in it.
    visitor = new_context().new_page()
    visitor.goto("/whistles/")
    audit(visitor, html_checker)
    visitor.get_by_role("link", name=re.compile("清理团结巷5栋楼后卫生死角")).click()
    main = visitor.locator("main")
    expect(main).to_contain_text("已解决")
    expect(main).to_contain_text("区建设局")
    expect(main).to_contain_text("供电所")
    expect(main).to_contain_text("3 人前往")
    expect(main).to_contain_text("垃圾已清运")
    expect(main).to_contain_text("干净多了，谢谢！")
    expect(visitor.locator(".before-after figure")).to_have_count(2)
    expect(main).not_to_contain_text("刘淑芬")
    audit(visitor, html_checker)


def test_the_whistle_board_in_elderly_mode(new_context, live_server, html_checker):
    context = new_context()
    context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = context.new_page()
    page.goto("/whistles/")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert small_controls(page, 60) == [], f"at {width}px"
    audit(page, html_checker, elderly=True)
