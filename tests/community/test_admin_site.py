"""The admin as staff meet it: the portal's look and words, and a menu with only their role's work."""

import re

from django.test import TestCase

from tests.factories import StaffFactory
from tests.signing_in import sign_in


def menu(page):
    """The admin index's sections and, in each, the models listed: [(section, [model, …]), …]."""
    sections = re.findall(r"<caption>\s*<a[^>]*>([^<]+)</a>\s*</caption>(.*?)</table>", page, re.S)
    if not sections:
        sections = re.findall(r"<caption>\s*([^<]+?)\s*</caption>(.*?)</table>", page, re.S)
    return [
        (name.strip(), re.findall(r'<th scope="row"[^>]*>\s*(?:<a [^>]*>)?\s*([^<\s][^<]*?)\s*<', rows))
        for name, rows in sections
    ]


class AdminMenu(TestCase):
    def index_as(self, user):
        sign_in(self.client, user)
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_editor_sees_news_and_photos_and_nothing_technical(self):
        page = self.index_as(StaffFactory(groups=["编辑"]))
        sections = dict(menu(page))
        self.assertEqual(set(sections), {"新闻动态", "社区与账号"}, sections)
        self.assertEqual(set(sections["新闻动态"]), {"文章", "栏目", "每日阅读"})
        self.assertEqual(sections["社区与账号"], ["图片"])
        self.assertNotIn("系统记录", page)
        self.assertNotIn("操作记录", page)

    def test_the_grid_worker_sees_the_grids_and_the_people_but_no_system_records(self):
        page = self.index_as(StaffFactory(groups=["网格员"]))
        sections = dict(menu(page))
        self.assertIn("网格", sections["社区与账号"])
        self.assertIn("楼栋", sections["社区与账号"])
        self.assertNotIn("系统记录", sections)
        self.assertNotIn("定时任务记录", page)

    def test_the_administrator_finds_daily_work_first_in_the_portal_order_and_system_records_last(self):
        page = self.index_as(StaffFactory(is_superuser=True))
        names = [name for name, _models in menu(page)]
        self.assertEqual(names[:5], ["新闻动态", "微心愿", "红哨子", "志愿服务", "社区与账号"], names)
        self.assertEqual(names[-1], "系统记录")
        records = dict(menu(page))["系统记录"]
        heading = re.search(r'<a href="([^"]*)"[^>]*>系统记录</a>', page).group(1)
        self.assertEqual(self.client.get(heading).status_code, 200)
        self.assertNotIn("current-app", page.split("系统记录")[0].rsplit("<div", 1)[-1])
        for technical in ("操作记录", "定时任务记录", "通知", "联系方式查看记录"):
            self.assertIn(technical, records)
            self.assertNotIn(technical, dict(menu(page))["社区与账号"])

    def test_pages_speak_plain_chinese_and_wear_the_portal_colours(self):
        sign_in(self.client, StaffFactory(is_superuser=True))
        page = self.client.get("/admin/news/article/").content.decode()
        self.assertIn("<h1>文章列表</h1>", page)
        self.assertNotIn("选择 文章 来修改", page)
        self.assertIn("/static/css/admin.css", page)
        self.assertIn("回到门户", page)
        self.assertIn("新增文章", page)
        self.assertNotIn("dark_mode.css", page)
