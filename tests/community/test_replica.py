"""Reads from the replica; writes, transactions and a person's own changes on the primary (community/dbrouter.py).

Under test, the "replica" alias is a second, read-only connection to the test
database (community/settings.py): which connection ran a query shows where the
router sent it, and a write sent to the replica would fail as on a real standby.
"""

import time

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import dbrouter
from community.dbrouter import (
    REPLICA,
    WROTE_COOKIE,
    PrimaryReplicaRouter,
    ReadReplicaMiddleware,
    position,
    reads_from_primary,
)
from news.models import Article
from tests.factories import PASSWORD, ArticleFactory, UserFactory
from tests.signing_in import sign_in

User = get_user_model()
router = PrimaryReplicaRouter()


@pytest.fixture(autouse=True)
def replica_in_good_health(monkeypatch):
    """The worker's view of the databases, as just checked: the replica answers and is current."""
    fresh = dbrouter._Health(replica_checked=time.monotonic() + 3600, replica_usable=True, replica_replayed=None)
    monkeypatch.setattr(dbrouter, "health", fresh)
    return fresh


def answer(request, during=lambda: None, view=None):
    """Pass ``request`` through the middleware; return (where a read went while answering it, the response)."""
    seen = {}

    def default_view(request):
        during()
        seen["read"] = router.db_for_read(Article)
        return HttpResponse()

    response = ReadReplicaMiddleware(view or default_view)(request)
    return seen.get("read"), response


def with_cookie(request, response):
    request.COOKIES[WROTE_COOKIE] = response.cookies[WROTE_COOKIE].value
    return request


class TestRouter:
    def test_an_anonymous_get_reads_from_the_replica(self):
        assert answer(RequestFactory().get("/"))[0] == REPLICA

    @pytest.mark.django_db
    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    def test_a_request_that_may_write_reads_from_the_primary(self, method):
        assert answer(getattr(RequestFactory(), method)("/"))[0] == DEFAULT_DB_ALIAS

    @pytest.mark.django_db(transaction=True)  # no test transaction: reads inside one go to the primary
    def test_after_a_post_the_browser_reads_from_the_primary_until_the_replica_has_replayed_it(
        self, replica_in_good_health, monkeypatch
    ):
        _read, response = answer(RequestFactory().post("/"))
        cookie = response.cookies[WROTE_COOKIE]
        written = position(cookie.value)
        assert written is not None and cookie["httponly"] and cookie["samesite"] == "Lax"
        replica_in_good_health.replica_replayed = written - 1  # behind the person's own change
        replays = iter([written - 1, written - 1, written])
        monkeypatch.setattr(dbrouter, "replica_replay_position", lambda: next(replays))
        # However long it takes: as long as the replica lacks the change, the primary answers.
        with time_machine.travel(time.time() + 3600):
            read, later = answer(with_cookie(RequestFactory().get("/"), response))
        assert read == DEFAULT_DB_ALIAS and WROTE_COOKIE not in later.cookies
        assert answer(with_cookie(RequestFactory().get("/"), response))[0] == DEFAULT_DB_ALIAS
        read, caught_up = answer(with_cookie(RequestFactory().get("/"), response))
        assert read == REPLICA
        assert caught_up.cookies[WROTE_COOKIE]["max-age"] == 0  # done with: the cookie goes

    @pytest.mark.django_db
    def test_the_cookie_is_secure_when_the_site_is_https(self, settings):
        settings.HTTPS = True
        assert answer(RequestFactory().post("/"))[1].cookies[WROTE_COOKIE]["secure"]

    @pytest.mark.parametrize("value", ["9999999999", "soon", "", "0/ZZ"])
    def test_a_cookie_that_is_no_wal_position_is_ignored(self, value):
        request = RequestFactory().get("/")
        request.COOKIES[WROTE_COOKIE] = value
        assert answer(request)[0] == REPLICA

    def test_a_get_sets_no_cookie(self):
        assert WROTE_COOKIE not in answer(RequestFactory().get("/"))[1].cookies

    def test_a_replica_further_behind_than_allowed_is_left_out(self, replica_in_good_health):
        replica_in_good_health.replica_usable, replica_in_good_health.replica_lag = False, 45.0
        assert answer(RequestFactory().get("/"))[0] == DEFAULT_DB_ALIAS

    def test_a_page_the_replica_cannot_find_is_looked_for_on_the_primary(self):
        """A page built from the primary may link to a row the replica has not replayed yet."""
        asked = []

        def view(request):
            asked.append(router.db_for_read(Article))
            return HttpResponse(status=404 if asked[-1] == REPLICA else 200)

        _read, response = answer(RequestFactory().get("/wishes/12/"), view=view)
        assert asked == [REPLICA, DEFAULT_DB_ALIAS] and response.status_code == 200

    def test_while_the_primary_is_down_everything_is_read_from_the_replica_and_changes_are_refused(
        self, replica_in_good_health
    ):
        from django.contrib.sessions.models import Session
        from django_otp.plugins.otp_totp.models import TOTPDevice

        replica_in_good_health.primary_down_until = time.monotonic() + 60
        seen = {}
        answer(
            RequestFactory().get("/"),
            during=lambda: seen.update(reads=[router.db_for_read(Session), router.db_for_read(TOTPDevice)]),
        )
        assert seen["reads"] == [REPLICA, REPLICA]
        posted = RequestFactory().post("/wishes/new/", {"title": "想请人帮忙修水龙头", "password": "秘密-123"})
        read, response = answer(posted)
        assert read is None  # the view never ran
        assert response.status_code == 503 and response["Retry-After"]
        page = response.content.decode()
        assert "系统维护中，暂时只能浏览" in page and "想请人帮忙修水龙头" in page and "秘密-123" not in page

    def test_reads_outside_a_request_go_to_the_primary(self):
        """Management commands and run_jobs: nothing allowed the replica."""
        assert router.db_for_read(Article) == DEFAULT_DB_ALIAS
        answer(RequestFactory().get("/"))
        assert router.db_for_read(Article) == DEFAULT_DB_ALIAS  # the request's permission ended with it

    def test_a_block_that_builds_something_shared_reads_from_the_primary(self):
        def build():
            with reads_from_primary():
                assert router.db_for_read(Article) == DEFAULT_DB_ALIAS

        assert answer(RequestFactory().get("/"), during=build)[0] == REPLICA

    def test_writes_and_migrations_are_for_the_primary_only(self):
        assert router.db_for_write(User) == DEFAULT_DB_ALIAS
        assert router.allow_migrate(DEFAULT_DB_ALIAS, "community")
        assert not router.allow_migrate(REPLICA, "community")
        assert router.allow_relation(User(), User())


@pytest.fixture
def replica_routing(settings):
    """Switch the router and its middleware on, as DATABASE_REPLICA_URL does."""
    settings.DATABASE_ROUTERS = ["community.dbrouter.PrimaryReplicaRouter"]
    settings.MIDDLEWARE = ["community.dbrouter.ReadReplicaMiddleware", *settings.MIDDLEWARE]


@pytest.fixture
def replica():
    """The replica's connection, closed after the test so that the test database can be dropped at the end."""
    yield connections[REPLICA]
    connections[REPLICA].close()


def queries(alias):
    return CaptureQueriesContext(connections[alias])


def selects(captured):
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
@pytest.mark.usefixtures("replica")
class TestThroughTheReplica:
    def test_the_test_replica_refuses_writes_like_a_standby(self, replica):
        with pytest.raises(DatabaseError, match="read-only transaction"):
            with replica.cursor() as cursor:
                cursor.execute("UPDATE community_user SET display_name = display_name")

    def test_reads_inside_a_transaction_go_to_the_primary(self, replica_routing):
        article = ArticleFactory()

        def locked_read():
            with transaction.atomic(), queries(DEFAULT_DB_ALIAS) as primary, queries(REPLICA) as replica:
                Article.objects.select_for_update().get(pk=article.pk)
                assert router.db_for_read(Article) == DEFAULT_DB_ALIAS
            assert len(selects(primary)) == 1 and not replica.captured_queries

        assert answer(RequestFactory().get("/"), during=locked_read)[0] == REPLICA

    def test_an_anonymous_page_is_built_from_the_primary_and_then_served_from_the_replica(
        self, client, replica_routing
    ):
        """A page kept in the cache is built from the primary: built from a lagging replica, it would stay stale."""
        ArticleFactory(title="楼道灯修好了")
        with queries(DEFAULT_DB_ALIAS) as primary, queries(REPLICA) as replica:
            response = client.get(reverse("news:index"))
        assert (response.status_code, response["X-Page-Cache"]) == (200, "miss")
        assert "楼道灯修好了" in response.text
        assert any("news_article" in sql for sql in selects(primary))
        assert not any("news_article" in sql for sql in selects(replica))

        with queries(DEFAULT_DB_ALIAS) as primary, queries(REPLICA) as replica:
            response = client.get(reverse("news:index"))
        assert response["X-Page-Cache"] == "hit"
        assert selects(replica) and not selects(primary)

    def test_a_signed_in_persons_pages_are_read_from_the_replica(self, client, replica_routing):
        ArticleFactory(title="楼道灯修好了")
        sign_in(client, UserFactory())
        with queries(DEFAULT_DB_ALIAS) as primary, queries(REPLICA) as replica:
            response = client.get(reverse("news:index"))
        assert "楼道灯修好了" in response.text
        assert any("news_article" in sql for sql in selects(replica))
        assert not any("news_article" in sql for sql in selects(primary))

    def test_after_a_post_the_same_person_reads_from_the_primary_until_the_replica_replayed_it(
        self, client, replica_routing, replica_in_good_health, monkeypatch
    ):
        UserFactory(username="wangxiuying", display_name="王秀英")
        response = client.post(reverse("login"), {"username": "wangxiuying", "password": PASSWORD})
        assert response.status_code == 302
        written = position(response.cookies[WROTE_COOKIE].value)
        replica_in_good_health.replica_replayed = written - 1
        monkeypatch.setattr(dbrouter, "replica_replay_position", lambda: replica_in_good_health.replica_replayed)

        with queries(DEFAULT_DB_ALIAS) as primary, queries(REPLICA) as replica:
            response = client.get(reverse("me"))
        assert "王秀英" in response.text
        assert selects(primary) and not replica.captured_queries

        replica_in_good_health.replica_replayed = written  # the replica has replayed her sign-in
        with queries(DEFAULT_DB_ALIAS) as primary, queries(REPLICA) as replica:
            response = client.get(reverse("me"))
        # The page's data now comes from the replica; who is signed in still from the primary.
        assert "王秀英" in response.text
        assert selects(replica)
        assert all(("django_session" in sql or "community_user" in sql) for sql in selects(primary))

    def test_a_sign_out_holds_at_once_whatever_the_replica_lag(self, replica_routing):
        """Sessions, users, permissions and second factors are never read from the replica."""
        from django.contrib.auth.models import Permission
        from django.contrib.sessions.models import Session
        from django_otp.plugins.otp_totp.models import TOTPDevice

        def reads():
            return [router.db_for_read(model) for model in (Session, User, Permission, TOTPDevice)]

        assert answer(RequestFactory().get("/"), during=lambda: reads())[0] == REPLICA
        seen = {}
        answer(RequestFactory().get("/"), during=lambda: seen.update(reads=reads()))
        assert seen["reads"] == [DEFAULT_DB_ALIAS] * 4

    def test_the_home_sections_everyone_shares_are_built_from_the_primary(self, replica_routing):
        """Built from a lagging replica just after a change, they would be kept, stale, until the next change."""
        from portal import home

        ArticleFactory(title="楼道灯修好了")
        cache.delete(home.HOME_KEY)

        def build_sections():
            with queries(DEFAULT_DB_ALIAS) as primary, queries(REPLICA) as replica:
                home.html()
            assert any("news_article" in sql for sql in selects(primary))
            assert not any("news_article" in sql for sql in selects(replica))

        assert answer(RequestFactory().get("/"), during=build_sections)[0] == REPLICA
