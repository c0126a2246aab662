"""Articles: visibility (drafts, scheduled), sanitising, photos, pages, feeds, sharing, reads."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.images import store_upload
from news import reads
from news.models import Article, ArticleRead
from tests.factories import ArticleFactory, ColumnFactory, StaffFactory, UserFactory
from tests.images import image_bytes, upload
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def article_url(article):
    return reverse("news:article", kwargs={"pk": article.pk})


class TestScheduledArticles:
    @pytest.fixture
    def scheduled(self):
        column = ColumnFactory(name="通知公告", slug="tongzhi")
        return ArticleFactory(
            title="下月起服务中心周六开放",
            column=column,
            body="<p>下月起党群服务中心周六上午开放，方便上班族办事。</p>",
            publish_at=timezone.now() + timedelta(days=2),
        )

    def pages(self, client, article):
        sitemap = client.get("/sitemap-articles.xml")
        return {
            "home": client.get("/").text,
            "index": client.get(reverse("news:index")).text,
            "column": client.get(article.column.get_absolute_url()).text,
            "search": client.get(reverse("news:search"), {"q": "服务中心 周六"}).text,
            "feed": client.get(reverse("news:feed")).text,
            "column feed": client.get(reverse("news:column_feed", kwargs={"slug": "tongzhi"})).text,
            "sitemap": sitemap.text if sitemap.status_code == 200 else "",
        }

    def test_a_scheduled_article_is_invisible_everywhere_until_its_time(self, client, scheduled):
        assert client.get(article_url(scheduled)).status_code == 404
        for name, text in self.pages(client, scheduled).items():
            assert "下月起服务中心周六开放" not in text, name
            assert f"/news/{scheduled.pk}/" not in text, name

    def test_a_scheduled_article_appears_everywhere_once_its_time_has_come(self, client, scheduled):
        with time_machine.travel(scheduled.publish_at + timedelta(minutes=1)):
            assert client.get(article_url(scheduled)).status_code == 200
            for name, text in self.pages(client, scheduled).items():
                assert f"/news/{scheduled.pk}/" in text, name

    def test_a_draft_is_not_found_even_by_staff(self, client):
        draft = ArticleFactory(status=Article.Status.DRAFT)
        sign_in(client, StaffFactory(is_superuser=True))
        assert client.get(article_url(draft)).status_code == 404


class TestPreview:
    def test_an_editor_previews_a_draft_exactly_as_residents_will_see_it(self, client):
        draft = ArticleFactory(status=Article.Status.DRAFT, title="社区老年大学秋季招生", source="社区居委会")
        sign_in(client, StaffFactory(groups=["编辑"]))
        response = client.get(reverse("news:preview", kwargs={"pk": draft.pk}))
        assert response.status_code == 200
        assert "预览：这篇文章是草稿" in response.text
        assert "社区老年大学秋季招生" in response.text and "来源：社区居委会" in response.text
        assert response.templates[0].name == "news/article_detail.html"

    @pytest.mark.parametrize("who", ["anonymous", "resident", "grid worker"])
    def test_nobody_else_can_preview(self, client, who):
        draft = ArticleFactory(status=Article.Status.DRAFT)
        if who == "resident":
            sign_in(client, UserFactory())
        elif who == "grid worker":
            sign_in(client, StaffFactory(groups=["网格员"]))
        assert client.get(reverse("news:preview", kwargs={"pk": draft.pk})).status_code == 404


class TestSanitising:
    def test_scripts_event_handlers_and_javascript_links_are_stripped_on_save(self):
        article = ArticleFactory(
            body=(
                "<p>正文<script>alert('x')</script></p>"
                '<p><img src="x" onerror="alert(1)"><a href="javascript:alert(2)">点我</a></p>'
                '<p onclick="steal()">段落</p><iframe src="https://evil.example"></iframe>'
                '<p><a href="https://www.gov.cn/">政府网</a></p>'
            )
        )
        article.refresh_from_db()
        assert "<script" not in article.body and "alert" not in article.body
        assert "onerror" not in article.body and "onclick" not in article.body
        assert "javascript:" not in article.body and "<iframe" not in article.body
        assert '<a href="https://www.gov.cn/" rel="noopener noreferrer">政府网</a>' in article.body
        assert "正文" in article.body and "段落" in article.body

    def test_bulk_updates_through_save_are_sanitised_too(self):
        article = ArticleFactory()
        article.body = "<p>新的<script>bad()</script>内容</p>"
        article.save(update_fields=["body"])
        article.refresh_from_db()
        assert article.body == "<p>新的内容</p>"

    def test_photos_from_outside_the_portal_are_dropped(self):
        article = ArticleFactory(body='<p>文字</p><figure><img src="https://cdn.example.com/a.jpg"></figure>')
        article.refresh_from_db()
        assert "cdn.example.com" not in article.body
        assert "<figure" not in article.body

    def test_our_photos_are_redrawn_with_size_srcset_and_lazy_loading(self, media):
        image = store_upload(upload(data=image_bytes(1600, 1000)), alt="志愿者清理楼道")
        article = ArticleFactory(
            body=f'<figure><img src="{image.url(1200)}" alt=""><figcaption>楼道</figcaption></figure>'
        )
        article.refresh_from_db()
        assert 'width="1200" height="750"' in article.body
        assert 'loading="lazy"' in article.body and " 400w" in article.body
        assert 'alt="志愿者清理楼道"' in article.body  # the photo's own description fills an empty alt


class TestPhotoUploads:
    def test_the_editor_photo_window_refuses_a_text_file_named_jpg(self, client, media):
        sign_in(client, StaffFactory(groups=["编辑"]))
        response = client.post(
            reverse("news:editor_photos"),
            {"photo": upload(name="notes.jpg", data=b"just some text, not a photo"), "alt": "说明"},
        )
        assert response.status_code == 200
        assert "这个文件不是完整的照片" in response.text
        assert 'id="chosen-photo"' not in response.text

    def test_the_editor_photo_window_refuses_a_photo_over_the_limit(self, client, media, settings):
        settings.UPLOAD_MAX_BYTES = 100_000
        sign_in(client, StaffFactory(groups=["编辑"]))
        big = image_bytes(1600, 1200) + b"\0" * 200_000
        response = client.post(reverse("news:editor_photos"), {"photo": upload(data=big), "alt": "说明"})
        assert "照片太大了" in response.text

    def test_the_editor_photo_window_hands_back_a_stored_photo(self, client, media):
        sign_in(client, StaffFactory(groups=["编辑"]))
        response = client.post(
            reverse("news:editor_photos") + "?CKEditorFuncNum=3", {"photo": upload(), "alt": "邻里节"}
        )
        assert 'id="chosen-photo"' in response.text and 'data-callback="3"' in response.text

    @pytest.mark.parametrize("who", ["anonymous", "resident", "grid worker"])
    def test_only_editors_may_upload_photos_for_articles(self, client, who, media):
        if who == "resident":
            sign_in(client, UserFactory())
        elif who == "grid worker":
            sign_in(client, StaffFactory(groups=["网格员"]))
        response = client.post(reverse("news:editor_photos"), {"photo": upload(), "alt": "x"})
        assert response.status_code in (302, 403)
        from community.models import Image

        assert not Image.objects.exists()

    def test_the_admin_refuses_a_bad_cover_and_keeps_the_form(self, client, media):
        column = ColumnFactory()
        sign_in(client, StaffFactory(is_superuser=True))
        response = client.post(
            "/admin/news/article/add/",
            {
                "title": "封面测试",
                "column": column.pk,
                "summary": "",
                "body": "<p>正文</p>",
                "cover_upload": upload(name="cover.jpg", data=b"GIF89a not really"),
                "cover_alt": "封面",
                "source": "社区党委",
                "author": "",
                "publish_at_0": "2026-11-26",
                "publish_at_1": "10:00",
                "status": "draft",
            },
        )
        assert response.status_code == 200
        assert "这个文件不是完整的照片" in response.text
        assert 'value="封面测试"' in response.text
        assert not Article.objects.exists()


class TestReadingPages:
    def test_the_article_page_shows_breadcrumb_time_source_and_neighbours(self, client):
        parent = ColumnFactory(name="党群工作", slug="dangqun")
        column = ColumnFactory(name="党群动态", slug="dangqun-dongtai", parent=parent)
        now = timezone.now()
        older = ArticleFactory(column=column, title="较早的一篇", publish_at=now - timedelta(days=3))
        article = ArticleFactory(
            column=column, title="中间的一篇", source="社区党委", publish_at=now - timedelta(days=2)
        )
        newer = ArticleFactory(column=column, title="较新的一篇", publish_at=now - timedelta(days=1))
        ArticleFactory(title="别的栏目", publish_at=now - timedelta(days=2, hours=1))
        text = client.get(article_url(article)).text
        for crumb in ("新闻动态", "党群工作", "党群动态"):
            assert crumb in text
        assert "发布时间" in text and "来源：社区党委" in text and "返回上页" in text
        assert f'href="{article_url(older)}">较早的一篇' in text
        assert f'href="{article_url(newer)}">较新的一篇' in text
        assert "别的栏目" not in text.split("上一篇")[1]

    def test_the_article_page_has_canonical_url_description_and_open_graph(self, client):
        article = ArticleFactory(title="邻里节举行", summary="三百多位居民参加了千家宴。")
        text = client.get(article_url(article)).text
        assert f'<link rel="canonical" href="http://testserver/news/{article.pk}/">' in text
        assert '<meta name="description" content="三百多位居民参加了千家宴。">' in text
        assert '<meta property="og:title" content="邻里节举行">' in text
        assert f'src="/news/{article.pk}/qr.svg"' in text

    def test_the_qr_code_is_an_svg_of_the_article_address(self, client):
        article = ArticleFactory()
        response = client.get(reverse("news:qr", kwargs={"pk": article.pk}))
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<?xml") and b"<svg" in response.content

    def test_related_articles_share_words_with_the_title(self, client):
        article = ArticleFactory(title="垃圾分类进楼栋")
        related = ArticleFactory(title="垃圾分类知识竞赛")
        ArticleFactory(title="邻里节举行")
        context = client.get(article_url(article)).context
        assert [a.pk for a in context["related"]] == [related.pk]

    def test_a_column_page_lists_its_own_and_its_sub_columns_articles_pinned_first(self, client):
        parent = ColumnFactory(name="党群工作", slug="dangqun")
        child = ColumnFactory(name="党群动态", slug="dongtai", parent=parent)
        now = timezone.now()
        old_pinned = ArticleFactory(column=child, pinned=True, publish_at=now - timedelta(days=9))
        recent = ArticleFactory(column=parent, publish_at=now - timedelta(hours=2))
        ArticleFactory(title="别处的文章")
        response = client.get(parent.get_absolute_url())
        assert [a.pk for a in response.context["object_list"]] == [old_pinned.pk, recent.pk]

    def test_column_pages_are_paginated(self, client):
        column = ColumnFactory()
        ArticleFactory.create_batch(20, column=column)
        first = client.get(column.get_absolute_url())
        second = client.get(column.get_absolute_url(), {"page": 2})
        assert len(first.context["object_list"]) == 15 and len(second.context["object_list"]) == 5
        assert client.get(column.get_absolute_url(), {"page": 9}).status_code == 404


class TestFeedsAndSitemap:
    def test_the_feeds_list_published_articles(self, client):
        column = ColumnFactory(slug="fengcai")
        shown = ArticleFactory(column=column, title="邻里节举行")
        ArticleFactory(column=column, title="草稿不出现", status=Article.Status.DRAFT)
        other = ArticleFactory(title="别的栏目")
        everything = client.get(reverse("news:feed"))
        assert everything["Content-Type"].startswith("application/rss+xml")
        assert "邻里节举行" in everything.text and "别的栏目" in everything.text
        assert "草稿不出现" not in everything.text
        per_column = client.get(reverse("news:column_feed", kwargs={"slug": "fengcai"})).text
        assert f"/news/{shown.pk}/" in per_column and f"/news/{other.pk}/" not in per_column

    def test_the_sitemap_index_lists_the_sections(self, client):
        article = ArticleFactory()
        index = client.get("/sitemap.xml").text
        assert "sitemap-articles.xml" in index and "sitemap-columns.xml" in index
        assert f"/news/{article.pk}/" in client.get("/sitemap-articles.xml").text


class TestReads:
    def test_reading_an_article_writes_nothing_to_the_database(self, client):
        article = ArticleFactory()
        reads.buffer.flush()
        with CaptureQueriesContext(connection) as queries:
            client.get(article_url(article))
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        # Only the page itself is kept in the cache; nothing is written about the read.
        assert [sql for sql in writes if "django_cache" not in sql] == []
        assert reads.buffer.pending() == {(article.pk, timezone.localdate()): 1}

    def test_reads_are_counted_when_the_page_comes_from_the_cache(self, client):
        article = ArticleFactory()
        reads.buffer.flush()
        assert client.get(article_url(article))["X-Page-Cache"] == "miss"
        assert client.get(article_url(article))["X-Page-Cache"] == "hit"
        assert reads.buffer.pending() == {(article.pk, timezone.localdate()): 2}

    def test_buffered_reads_are_added_up_per_day(self, client):
        article = ArticleFactory()
        reads.buffer.flush()
        for _ in range(3):
            client.get(article_url(article))
        assert reads.buffer.flush() == 3
        client.get(article_url(article))
        reads.buffer.flush()
        assert ArticleRead.objects.get(article=article, day=timezone.localdate()).count == 4

    def test_reads_are_counted_on_the_day_in_shanghai(self):
        article = ArticleFactory()
        reads.buffer.flush()
        # 17:30 UTC is already the next day in Asia/Shanghai.
        reads.buffer.add(article.pk, now=datetime(2026, 11, 26, 17, 30, tzinfo=UTC))
        reads.buffer.flush()
        assert ArticleRead.objects.get(article=article).day.isoformat() == "2026-11-27"

    def test_previews_are_not_counted(self, client):
        draft = ArticleFactory(status=Article.Status.DRAFT)
        reads.buffer.flush()
        sign_in(client, StaffFactory(is_superuser=True))
        client.get(reverse("news:preview", kwargs={"pk": draft.pk}))
        assert reads.buffer.pending() == {}


class TestQueryCounts:
    """Home, column and article pages run a constant number of queries however many articles there are."""

    @pytest.fixture
    def many_articles(self, media):
        columns = [ColumnFactory(name=f"栏目{i}", slug=f"c{i}") for i in range(4)]
        columns += [ColumnFactory(name=f"子栏目{i}", slug=f"s{i}", parent=columns[i]) for i in range(2)]
        cover = store_upload(upload(data=image_bytes(800, 600)))
        now = timezone.now()
        return [
            ArticleFactory(column=columns[i % 6], cover=cover, pinned=i < 2, publish_at=now - timedelta(hours=i + 1))
            for i in range(60)
        ]

    def test_the_home_page_runs_a_small_constant_number_of_queries(
        self, client, many_articles, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            response = client.get("/")
        assert len(response.context["news"]["columns"]) == 4

    def test_a_column_page_runs_a_small_constant_number_of_queries(
        self, client, many_articles, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            client.get(reverse("news:column", kwargs={"slug": "c0"}))

    def test_an_article_page_runs_a_small_constant_number_of_queries(
        self, client, many_articles, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            client.get(article_url(many_articles[10]))

    def test_the_news_index_runs_a_small_constant_number_of_queries(
        self, client, many_articles, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            client.get(reverse("news:index"))
