"""Staff publish an article with a photo in the admin; a resident finds it, reads it and searches for it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.audit import audit, small_controls
from tests.browser.journeys import home, nav, sign_in
from tests.browser.pictures import image_loaded
from tests.factories import ColumnFactory, StaffFactory
from tests.images import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_publishes_an_article_with_a_photo_and_a_resident_finds_it(
    new_context, html_checker, media, tmp_path
):
    parent = ColumnFactory(name="党群工作", slug="dangqun")
    ColumnFactory(name="党群动态", slug="dangqun-dongtai", parent=parent)
    StaffFactory(username="editor1", display_name="陈思远", groups=["编辑"])
    photo = tmp_path / "lanterns.jpg"
    photo.write_bytes(image_bytes(1600, 1000, color=(190, 40, 40)))

    # The editor goes from 我的 to the admin, and adds an article there.
    staff = sign_in(new_context(viewport={"width": 1280, "height": 1000}), "editor1")
    staff.get_by_role("link", name="管理后台").click()
    staff.locator("tr.model-article").get_by_role("link", name="增加").click()

    staff.fill("#id_title", "邻里节千家宴在团结巷举行")
    staff.select_option("#id_column", label="党群工作 > 党群动态")
    staff.fill("#id_summary", "三百多位邻居端出拿手菜，长桌宴从巷头摆到巷尾。")
    editor = staff.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    staff.keyboard.type("团结巷摆开了长桌宴。")
    staff.keyboard.press("Enter")
    staff.keyboard.type("邻里节办了十届。")
    # From the start of the second paragraph back to the end of the first, and a new line for the photo.
    staff.keyboard.press("Home")
    staff.keyboard.press("ArrowLeft")
    staff.keyboard.press("Enter")

    # Insert a photo: the editor's figure dialog opens the portal's photo window.
    staff.click("button[data-name=figure]")
    dialog = staff.locator("dialog[open]")
    with staff.expect_popup() as popup_info:
        dialog.get_by_role("button", name="上传或选择图片…").click()
    picker = popup_info.value
    picker.wait_for_load_state()
    picker.set_input_files("input[name=photo]", str(photo))
    picker.fill("input[name=alt]", "邻居们围坐在长桌旁")
    with picker.expect_event("close"):
        picker.get_by_role("button", name="上传并插入").click()
    expect(dialog.locator("input[name=imageUrl]")).to_have_value(re.compile(r"/media/images/.+\.webp$"))
    expect(dialog.locator("input[name=altText]")).to_have_value("邻居们围坐在长桌旁")
    dialog.locator("input[name=caption]").fill("长桌宴从巷头摆到巷尾")
    dialog.locator("button[type=submit]").click()
    expect(editor.locator("figure img")).to_have_count(1)

    staff.get_by_role("button", name="保存并继续编辑").click()
    expect(staff.locator(".messagelist")).to_contain_text("成功添加")

    # Preview the draft exactly as residents will see it.
    with staff.expect_popup() as preview_info:
        staff.get_by_role("link", name="按居民看到的样子预览").click()
    preview = preview_info.value
    expect(preview.locator(".preview-banner")).to_contain_text("草稿")
    expect(preview.get_by_role("heading", level=1)).to_have_text("邻里节千家宴在团结巷举行")
    figure_image = preview.locator(".article-body figure img")
    expect(figure_image).to_have_attribute("alt", "邻居们围坐在长桌旁")
    expect(figure_image).to_have_attribute("loading", "lazy")
    assert figure_image.get_attribute("srcset").count("w,") >= 1
    assert image_loaded(figure_image)
    preview.close()

    staff.select_option("#id_status", "published")
    staff.get_by_role("button", name="保存", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("成功修改")

    # A resident on a phone finds it in its column, reads it, and finds it by searching.
    resident = home(new_context())
    nav(resident, "新闻动态")
    resident.get_by_role("link", name="党群动态", exact=True).first.click()
    audit(resident, html_checker)
    resident.get_by_role("link", name=re.compile("邻里节千家宴在团结巷举行")).click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("邻里节千家宴在团结巷举行")
    expect(resident.locator(".article-info")).to_contain_text("来源：社区党委")
    expect(resident.locator(".article-body figcaption")).to_have_text("长桌宴从巷头摆到巷尾")
    paragraphs = resident.locator(".article-body p")
    assert paragraphs.count() == 2, resident.locator(".article-body").inner_html()
    expect(resident.locator(".share-qr")).to_be_visible()
    assert image_loaded(resident.locator(".share-qr"))
    audit(resident, html_checker)
    # Desktop Chromium on Linux has no share sheet: the button copies the address and says so.
    assert resident.evaluate("typeof navigator.share") == "undefined"
    resident.context.grant_permissions(["clipboard-read", "clipboard-write"])
    resident.get_by_role("button", name="分享给亲友").click()
    expect(resident.get_by_role("button", name="网址已复制，可以粘贴发给亲友")).to_be_visible()
    assert resident.evaluate("navigator.clipboard.readText()").endswith(resident.url.split("/news/", 1)[1])

    resident.get_by_role("link", name="新闻动态").first.click()
    resident.get_by_label("搜索新闻").fill("邻里节")
    resident.get_by_role("button", name="搜索").click()
    result = resident.locator(".search-results li").first
    expect(result).to_contain_text("邻里节千家宴在团结巷举行")
    expect(result.locator("mark").first).to_have_text("邻里节")
    audit(resident, html_checker)


def test_news_pages_pass_in_elderly_mode(new_context, live_server, html_checker):
    from tests.factories import ArticleFactory

    column = ColumnFactory(name="社区风采", slug="fengcai")
    article = ArticleFactory(column=column, title="红马甲清楼道", body="<p>志愿者清理楼道，老人上下楼更安全。</p>")
    context = new_context()
    context.add_cookies([{"name": "elderly", "value": "1", "url": live_server.url}])
    page = home(context)

    def news_index():
        nav(page, "新闻动态")

    def column_page():
        page.get_by_role("link", name="社区风采", exact=True).first.click()

    def article_page():
        page.get_by_role("link", name=re.compile(article.title)).first.click()

    def search_results():
        nav(page, "新闻动态")
        page.get_by_label("搜索新闻").fill("志愿者")
        page.get_by_role("button", name="搜索").click()

    for path, step in (
        ("新闻动态", news_index),
        ("栏目", column_page),
        ("文章", article_page),
        ("搜索", search_results),
    ):
        page.set_viewport_size({"width": 390, "height": 844})
        step()
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            assert small_controls(page, 60, label_counts=False) == [], f"{path} at {width}px"
        page.set_viewport_size({"width": 390, "height": 844})
        audit(page, html_checker, elderly=True)
