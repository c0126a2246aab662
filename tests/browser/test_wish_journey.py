"""A wish from posting to thanks, by clicks from the home page: resident, reviewer and volunteer in their own
browsers, and a first delivery the resident answers with 还没有解决."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.audit import audit, small_controls
from tests.browser.journeys import home, nav, sign_in, waiting
from tests.factories import BuildingFactory, GridFactory, StaffFactory, UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_wish_is_posted_approved_claimed_not_resolved_fulfilled_and_thanked(new_context, html_checker):
    BuildingFactory(name="团结巷3栋", grid=GridFactory(name="第一网格"))
    UserFactory(username="wangxiuying", display_name="王秀英")
    StaffFactory(username="reviewer1", groups=["审核员"])
    VolunteerFactory(user=UserFactory(username="xiaosun", display_name="孙晓东"))

    # The resident posts a wish on her phone.
    resident = sign_in(new_context(), "wangxiuying")
    nav(resident, "微心愿")
    audit(resident, html_checker)
    resident.get_by_role("link", name="发布我的心愿").click()
    audit(resident, html_checker)
    resident.get_by_label("您的心愿（一句话）").fill("需要一袋大米和食用油")
    resident.get_by_label("类别").select_option(label="生活物资")
    expect(resident.get_by_label("我同意提供与本心愿有关的健康信息")).to_be_hidden()  # asked only for health wishes
    resident.get_by_label("详细说明").fill("老伴住院了，家里米和油快吃完了，想请人帮忙买了送上楼。")
    resident.get_by_label("希望在哪天前实现").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    resident.get_by_label("住在哪栋楼").select_option(label="第一网格 · 团结巷3栋")
    resident.get_by_label("联系电话").fill("13812345678")
    resident.get_by_label("详细地址（门牌号）").fill("团结巷3栋2单元401")
    resident.get_by_role("button", name="提交心愿").click()
    expect(resident.get_by_text("心愿已提交")).to_be_visible()
    expect(resident.locator(".wish-status")).to_have_text("待审核")

    # A reviewer finds it waiting on 我的 and approves it from the queue in one click.
    reviewer = sign_in(new_context(viewport={"width": 1280, "height": 900}), "reviewer1")
    waiting(reviewer, "待审核的心愿").get_by_role("link", name="待审核的心愿").click()
    audit(reviewer, html_checker)
    reviewer.get_by_role("button", name="通过", exact=True).click()
    expect(reviewer.get_by_text("已审核通过")).to_be_visible()

    # A volunteer finds it on the wall, claims it, and now sees how to reach her.
    volunteer = sign_in(new_context(), "xiaosun")
    nav(volunteer, "微心愿")
    volunteer.get_by_role("link", name=re.compile("需要一袋大米和食用油")).click()
    expect(volunteer.locator("main")).not_to_contain_text("13812345678")
    expect(volunteer.locator("main")).to_contain_text("王**")
    volunteer.get_by_role("button", name="认领这个心愿").click()
    expect(volunteer.get_by_text("认领成功")).to_be_visible()
    expect(volunteer.locator(".contact-box")).to_contain_text("13812345678")
    expect(volunteer.locator(".contact-box")).to_contain_text("团结巷3栋2单元401")
    audit(volunteer, html_checker)

    # She says it is delivered, but it is not quite: the resident answers 还没有解决.
    volunteer.get_by_label("实现情况（选填）").fill("米已经送到家里。")
    volunteer.get_by_role("button", name="标记为已实现").click()
    expect(volunteer.get_by_text("已标记为实现")).to_be_visible()
    nav(resident, "我的")
    waiting(resident, "已实现，等我确认的心愿").get_by_role("link", name="需要一袋大米和食用油").click()
    resident.get_by_text("还没有解决？").click()
    resident.get_by_label("哪里还没有解决").fill("米送到了，油还没有送。")
    resident.get_by_role("button", name="还没有解决", exact=True).click()
    expect(resident.get_by_text("已告诉认领人还没有解决")).to_be_visible()
    expect(resident.locator(".wish-status")).to_have_text("已认领")
    audit(resident, html_checker)

    # The volunteer finds it back among her claims, brings the oil, and says so again.
    nav(volunteer, "我的")
    waiting(volunteer, "我认领、还没实现的心愿").get_by_role("link", name="需要一袋大米和食用油").click()
    expect(volunteer.locator(".timeline")).to_contain_text("还没有解决：米送到了，油还没有送。")
    volunteer.get_by_label("实现情况（选填）").fill("米和油都送到了。")
    volunteer.get_by_role("button", name="标记为已实现").click()
    expect(volunteer.get_by_text("已标记为实现")).to_be_visible()

    # The resident confirms from her messages and thanks her; the thanks shows on the wall.
    nav(resident, "我的")
    resident.get_by_role("link", name=re.compile("^消息")).click()
    resident.get_by_role("link", name=re.compile("已经实现了")).first.click()
    resident.get_by_label("想对帮助您的人说（选填）").fill("谢谢小孙，大热天还送上五楼！")
    resident.get_by_role("button", name="确认收到").click()
    expect(resident.get_by_text("已确认收到")).to_be_visible()
    expect(resident.locator(".timeline")).to_contain_text("已完成")

    visitor = home(new_context())
    nav(visitor, "微心愿")
    card = visitor.locator(".wish-card", has_text="需要一袋大米和食用油")
    expect(card).to_contain_text("已完成")
    expect(card).to_contain_text("谢谢小孙，大热天还送上五楼！")
    expect(visitor.locator("main")).not_to_contain_text("13812345678")

    nav(resident, "我的")
    resident.locator("#me-wishes").locator("..").get_by_role("link", name="我的心愿").click()
    audit(resident, html_checker)


def test_the_wish_wall_in_elderly_mode(new_context, live_server, html_checker):
    context = new_context()
    context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = home(context)
    nav(page, "微心愿")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert small_controls(page, 60, label_counts=False) == [], f"at {width}px"
    audit(page, html_checker, elderly=True)
