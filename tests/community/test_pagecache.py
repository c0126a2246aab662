"""The anonymous page cache: pages come from it, and any change shows at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.periodic import run_due_jobs
from news.models import Article
from tests.factories import ArticleFactory, ColumnFactory, UserFactory
from tests.signing_in import sign_in
from tests.wishes.helpers import make_volunteer, make_wish

pytestmark = pytest.mark.django_db


def cached(response):
    return response.get("X-Page-Cache")


def test_a_second_anonymous_visit_is_served_from_the_cache_with_the_same_page(client):
    ArticleFactory(title="社区长廊修缮完工")
    first = client.get("/")
    second = client.get("/")
    assert (cached(first), cached(second)) == ("miss", "hit")
    assert second.content == first.content
    assert "社区长廊修缮完工" in second.content.decode()
    # The headers around the page are still those of the portal.
    assert "default-src 'none'" in second["Content-Security-Policy"]
    assert second["ETag"]


def test_a_browser_holding_the_page_gets_not_modified(client):
    ArticleFactory()
    etag = client.get("/")["ETag"]
    assert client.get("/", headers={"if-none-match": etag}).status_code == 304


def test_a_published_article_shows_at_once(client, django_capture_on_commit_callbacks):
    column = ColumnFactory(slug="dangqun", name="党群动态")
    ArticleFactory(column=column, title="旧闻")
    column_url = reverse("news:column", kwargs={"slug": "dangqun"})
    for url in ("/", column_url, reverse("news:index")):
        client.get(url)
        assert cached(client.get(url)) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(column=column, title="党校干部认领微心愿")
    for url in ("/", column_url, reverse("news:index")):
        response = client.get(url)
        assert cached(response) == "miss"
        assert "党校干部认领微心愿" in response.content.decode()


def test_a_claimed_wish_shows_as_claimed_at_once(client, django_capture_on_commit_callbacks):
    wish = make_wish(title="楼道灯坏了想请人换")
    url = wish.get_absolute_url()
    client.get(url)
    assert cached(client.get(url)) == "hit"
    assert "认领" in client.get(reverse("wishes:wall") + "?status=published").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        wish.claim(by=make_volunteer())
    response = client.get(url)
    assert cached(response) == "miss"
    assert "已认领" in response.content.decode()
    wall = client.get(reverse("wishes:wall") + "?status=published").content.decode()
    assert "楼道灯坏了想请人换" not in wall


def test_a_scheduled_article_reaches_cached_pages_when_its_time_comes(client, django_capture_on_commit_callbacks):
    column = ColumnFactory(slug="notice", name="通知公告")
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(column=column, title="周四停水通知", publish_at=timezone.now() + timedelta(hours=1))
    url = reverse("news:column", kwargs={"slug": "notice"})
    assert "周四停水通知" not in client.get(url).content.decode()
    # Time passes (no save, so nothing else tells the cache).
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now())
    assert "周四停水通知" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        run_due_jobs(only=["news.show_due_articles"])
    assert "周四停水通知" in client.get(url).content.decode()


def test_the_elderly_mode_is_cached_apart(client):
    ArticleFactory()
    client.get("/")
    client.cookies["elderly"] = "1"
    response = client.get("/")
    assert cached(response) == "miss"
    assert 'class="elderly"' in response.content.decode()
    assert cached(client.get("/")) == "hit"


def test_signed_in_visitors_never_get_or_fill_the_cache(client):
    ArticleFactory()
    client.get("/")
    sign_in(client, UserFactory())
    for _ in range(2):
        response = client.get("/")
        assert cached(response) is None
        assert reverse("me") in response.content.decode()


def test_made_up_query_parameters_are_not_cached(client):
    ArticleFactory()
    assert cached(client.get("/?utm=1")) is None
    assert cached(client.get("/?utm=1")) is None
    wall = reverse("wishes:wall")
    client.get(wall + "?category=goods")
    assert cached(client.get(wall + "?category=goods")) == "hit"


def test_private_pages_are_never_cached(client):
    make_wish(status=None, title="还在审核的心愿")
    for url in (reverse("login"), reverse("wishes:submit")):
        client.get(url)
        assert cached(client.get(url)) is None


def test_a_deleted_account_leaves_cached_pages_at_once(client, django_capture_on_commit_callbacks):
    from portal.personal_data import user_delete
    from wishes.models import DELETED_RESIDENT

    # A surname no factory gives, so that the claimant (a factory user) never shares it.
    owner = UserFactory(display_name="龚秀英")
    wish = make_wish(owner=owner, status="claimed", title="希望有人陪我去医院复查")
    for url in (reverse("wishes:wall"), wish.get_absolute_url()):
        client.get(url)
        assert "龚**" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=owner)
    for url in (reverse("wishes:wall"), wish.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "龚**" not in page
        assert DELETED_RESIDENT in page


def test_a_changed_display_name_reaches_cached_pages(client, django_capture_on_commit_callbacks):
    owner = UserFactory(display_name="龚秀英")  # a surname no factory gives
    make_wish(owner=owner, title="希望有人陪我去医院复查")
    wall = reverse("wishes:wall")
    client.get(wall)
    assert "龚**" in client.get(wall).content.decode()
    owner_client = type(client)()
    sign_in(owner_client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("profile"), {"display_name": "闫秀英", "email": ""})
    assert response.status_code == 302
    page = client.get(wall).content.decode()
    assert "闫**" in page and "龚**" not in page


def test_only_canonical_addresses_and_valid_values_are_kept(client):
    article = ArticleFactory()
    wall = reverse("wishes:wall")
    for url in (
        f"/news/{article.pk:05d}/",  # the same article under another address
        wall + "?page=abc",
        wall + "?page=1&page=2",
        wall + "?category=goods%26page%3D2",  # a value that would read like two parameters
        reverse("news:search") + "?q=" + "长" * 31,
    ):
        client.get(url)
        assert cached(client.get(url)) is None, url


def test_a_page_showing_a_csrf_token_is_never_kept():
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from community.pagecache import AnonymousPageCacheMiddleware

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert AnonymousPageCacheMiddleware._storable(request, HttpResponse("<p>页面</p>"))
    get_token(request)  # what {% csrf_token %} does
    assert not AnonymousPageCacheMiddleware._storable(request, HttpResponse("<p>页面</p>"))


def test_signing_in_does_not_make_every_page_stale(django_capture_on_commit_callbacks):
    from community import sections, versions

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sections.changed(sections.SITE)
    before = versions.changed_at(sections.SITE)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user.save(update_fields=["last_login"])
    assert callbacks == [] and versions.changed_at(sections.SITE) == before
    with django_capture_on_commit_callbacks(execute=True):
        user.display_name = "李秀英"
        user.save()
    assert versions.changed_at(sections.SITE) > before


@pytest.mark.django_db(transaction=True)
def test_registering_signing_in_and_private_edits_leave_kept_pages_kept(client):
    """Only what a public page shows moves its version: a new account, a sign-in, a new password or an email
    change leave every kept page as it was (for real commits, not a test's transaction)."""
    from django.test import Client

    from tests.community.test_accounts import REGISTER, registration

    visitor = Client()
    visitor.get("/")
    assert visitor.get("/")["X-Page-Cache"] == "hit"
    client.post(REGISTER, registration(username="13912345678"))
    client.post(reverse("profile"), {"display_name": "王秀英", "email": "wang@example.cn"})
    client.post(
        reverse("password_change"),
        {"old_password": "Jiangbin-2026!", "new_password1": "Jiangbin-2027!", "new_password2": "Jiangbin-2027!"},
    )
    client.logout()
    client.post(reverse("login"), {"username": "13912345678", "password": "Jiangbin-2027!"})
    assert visitor.get("/")["X-Page-Cache"] == "hit"
    client.post(reverse("profile"), {"display_name": "王秀兰", "email": "wang@example.cn"})
    assert visitor.get("/")["X-Page-Cache"] == "miss"  # the public name shows on pages: they are rebuilt
