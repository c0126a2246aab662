"""Search in Chinese: real segmentation, all words required, ranked, highlighted, never an error."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("news:search")


@pytest.fixture
def articles():
    now = timezone.now()

    def make(title, body, days=1):
        return ArticleFactory(title=title, body=f"<p>{body}</p>", publish_at=now - timedelta(days=days))

    return {
        "volunteers": make("志愿者服务周启动", "十支服务队在广场为居民服务，四十多位居民报名。"),
        "wishes": make("党校干部认领居民心愿", "党员干部认领了二十个微心愿，为独居老人送米送油。"),
        "sorting": make("楼栋里学分类", "志愿者手把手教居民垃圾分类，老人们一学就会。", days=2),
        "feast": make("团结巷摆开长桌宴", "第十届邻里节暨千家宴举行，三百多位居民参加。"),
        "corridor": make("社区长廊修缮完工", "社区长廊换上了新的座椅和顶棚，老人们有了乘凉的地方。"),
        "notice": make("临时停水通知", "纺织一路片区周四停水，请提前储水。"),
    }


def found(client, query):
    """The articles a visitor sees in the results, in order (read from the page, which may come from the cache)."""
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'<h2 class="h3"><a href="/news/(\d+)/">', response.content.decode())]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("志愿者", "volunteers"), ("微心愿", "wishes"), ("垃圾分类", "sorting"), ("邻里节", "feast")],
)
def test_community_words_find_the_right_articles(client, articles, query, expected):
    assert articles[expected].pk in found(client, query)
    assert articles["notice"].pk not in found(client, query)


def test_a_substring_of_a_longer_word_is_not_a_match(client, articles):
    # “社区长廊” is cut into 社区 / 长廊: it never contains the word 区长.
    assert found(client, "区长") == []
    assert articles["corridor"].pk in found(client, "长廊")


def test_two_words_must_both_match(client, articles):
    both = found(client, "志愿者 垃圾分类")
    assert both == [articles["sorting"].pk]


def test_the_more_relevant_article_comes_first(client):
    now = timezone.now()
    # Newer, but mentions the word once in passing.
    passing = ArticleFactory(title="社区简讯", body="<p>本周社区还开展了义诊，也有志愿者参加。</p>", publish_at=now)
    focused = ArticleFactory(
        title="志愿者的一天",
        body="<p>志愿者早上巡楼，志愿者中午送餐，志愿者晚上值班。</p>",
        publish_at=now - timedelta(days=30),
    )
    assert found(client, "志愿者")[:2] == [focused.pk, passing.pk]


def test_matched_words_are_highlighted(client, articles):
    response = client.get(SEARCH, {"q": "垃圾分类"})
    result = response.context["results"][0]
    assert "<mark>垃圾分类</mark>" in str(result["snippet"])
    assert "<mark>垃圾分类</mark>" in response.text


def test_highlighting_escapes_what_the_article_says(client):
    ArticleFactory(title="安全提示", body="<p>不要点击陌生链接 &lt;script&gt; 志愿者提醒</p>")
    text = client.get(SEARCH, {"q": "志愿者"}).text
    assert "&lt;script&gt;" in text and "<script>" not in text.split("<main")[1].split("</main>")[0]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "请输入要找的字词"),
        ("   ", "请输入要找的字词"),
        ("!!!@@@###。。。", "没有可以搜索的字词"),
        ("志" * 1000, "请输入简短的字词"),
        ("' OR 1=1; --", "没有找到"),
        ("<script>alert(1)</script>", "没有找到"),
        ("a & b | !c :*", "没有找到"),
    ],
)
def test_odd_queries_get_a_helpful_page(client, articles, query, message):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert message in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_drafts_are_never_found(client):
    ArticleFactory(title="垃圾分类草稿", status=Article.Status.DRAFT)
    assert found(client, "垃圾分类") == []


def test_the_search_page_is_valid_html(client, articles, html_checker):
    html_checker.assert_valid(client.get(SEARCH, {"q": "志愿者"}).text, "search results")
    html_checker.assert_valid(client.get(SEARCH, {"q": "!!!"}).text, "symbol-only search")
