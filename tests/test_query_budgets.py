"""SQL queries per request on every public page, on seeded data, cold and warm (issue #9).

Every query counts, the cache's own included (the shared cache is PostgreSQL
by default). "Cold" is the first request after the cache was emptied: the
page is built and stored. "Warm" is the same request again. The data set is
the benchmark's seeding (bench/seed.py) at two sizes, so that a count that
grows with the data shows up as a difference between them.
"""

import time
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from bench import seed
from community import pagecopy, signedin
from community.models import Grid, PartyBranch, User
from news import reads
from news.models import Article, Column
from tests.signing_in import sign_in
from volunteers.models import Activity, PartnerUnit, Team, Workstation
from whistles.models import Whistle
from wishes.models import Wish

ANONYMOUS_BUDGET = 4
# Cold: the session, the person, the page's own rows, and a shared part looked up, built and stored (a team's).
SIGNED_IN_BUDGET = 8
SIGNED_IN_WARM_BUDGET = 5
BIGGER = replace(seed.TINY, articles=600, wishes=300, volunteers=150, activities=80, hour_records=900, whistles=30)

pytestmark = pytest.mark.xdist_group("seeded")


def public_pages():
    column = Column.objects.filter(parent=None).order_by("pk").first()
    article = Article.objects.published().order_by("-publish_at").first()
    return {
        "home": "/",
        "news": "/news/",
        "column": column.get_absolute_url(),
        "column, page 3": column.get_absolute_url() + "?page=3",
        "article": article.get_absolute_url(),
        "search": "/news/search/?q=%E5%BF%97%E6%84%BF%E8%80%85",
        "wish wall": "/wishes/",
        "wish wall, filtered": "/wishes/?category=health&status=published",
        "wish wall, page 2": "/wishes/?page=2",
        "wish": Wish.objects.filter(status=Wish.Status.CONFIRMED).order_by("pk").first().get_absolute_url(),
        "volunteers": "/volunteers/",
        "events": "/volunteers/events/",
        "team": Team.objects.order_by("pk").first().get_absolute_url(),
        "activity": Activity.objects.order_by("pk").first().get_absolute_url(),
        "workstation": Workstation.objects.order_by("pk").first().get_absolute_url(),
        "honour roll": "/volunteers/honour-roll/",
        "partner units": "/volunteers/units/",
        "partner unit": PartnerUnit.objects.order_by("pk").first().get_absolute_url(),
        "red whistle board": "/whistles/",
        "whistle": Whistle.objects.order_by("pk").first().get_absolute_url(),
        "service circle": "/places/",
        "about": "/about/",
        "lending box": "/lending/",
        "grids": "/grids/",
        "grid": Grid.objects.order_by("pk").first().get_absolute_url(),
        "party branch": PartyBranch.objects.order_by("pk").first().get_absolute_url(),
    }


def staff_pages():
    """The pages staff work on most, as the benchmark measures them for staff. Not a team's page: staff see its
    roster, read a page at a time and logged as a contact view on every visit (so its count depends on the team)."""
    pages = public_pages()
    return {name: pages[name] for name in ("home", "wish wall", "wish")} | {"我的": "/me/"}


def count_queries(client, url):
    # Buffered article reads are written at most once a minute, by whichever request comes then: not here.
    reads.buffer.flush()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def measure(client, signed_in, pages, copies=False, username=seed.RESIDENT_USERNAME):
    """{page: (cold, warm)} for an anonymous visitor or a signed-in person (the resident unless told)."""
    client.logout()
    if signed_in:
        sign_in(client, User.objects.get(username=username))
        client.get("/")  # the session's first request may refresh it; not part of any page's cost
        if copies:
            settle()
    counts = {}
    for name, url in pages.items():
        cache.clear()
        forget_copies()
        cold = count_queries(client, url)
        counts[name] = (cold, count_queries(client, url))
    reads.buffer.flush()
    return counts


def settle(deadline_seconds=20):
    """Wait until this process listens (it tries again every few seconds after its channel was closed), then take
    in the notifications that signing in sent (its session, the person's last sign-in time) until no more come,
    so that they do not arrive in the middle of a measured page and keep it from being kept."""
    deadline, last = time.monotonic() + deadline_seconds, None
    while time.monotonic() < deadline:
        listening = pagecopy.channel.current() is not None
        heard = (signedin.sessions.heard, signedin.people.heard)
        if listening and heard == last:
            return
        last = heard
        time.sleep(0.2)


def forget_copies():
    pagecopy.pages.clear()
    pagecopy.parts.clear()
    signedin.forget()


def measure_with_copies(client, username=seed.RESIDENT_USERNAME, pages=None):
    """As ``measure`` for a signed-in person, as a web process serves them: with its copies of parts, sessions and
    people, kept honest by notifications (this test's data is committed, so they arrive)."""
    try:
        with override_settings(PARTS_COPY_ENABLED=True, SIGNED_IN_COPY_ENABLED=True):
            return measure(client, True, pages or {**public_pages(), "我的": "/me/"}, copies=True, username=username)
    finally:
        pagecopy.channel.close()  # its connection would keep the test database from being dropped


@pytest.fixture
def seeded_twice(transactional_db, media, client):
    """Counts at two sizes of the same data set: {size: {who: {page: (cold, warm)}}}."""
    results = {}
    for name, sizes in (("tiny", seed.TINY), ("bigger", BIGGER)):
        seed.seed(sizes, password="budget-password-1", out=lambda line: None)
        results[name] = {
            "anonymous": measure(client, False, public_pages()),
            "resident": measure(client, True, public_pages()),
            "resident, as a web process": measure_with_copies(client),
            "staff, as a web process": measure_with_copies(client, seed.STAFF_USERNAME, staff_pages()),
        }
        with connection.cursor() as cursor:
            tables = ", ".join(connection.introspection.django_table_names(only_existing=True))
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            cursor.execute(f"DROP TABLE IF EXISTS {seed.MARKER_TABLE}")
    return results


def test_every_public_page_keeps_its_query_budget_cold_and_warm_at_any_size(seeded_twice):
    table = "\n".join(
        f"{who:9} {page:22} cold {cold:2} warm {warm:2}"
        for who, pages in seeded_twice["bigger"].items()
        for page, (cold, warm) in pages.items()
    )
    print(table)
    assert seeded_twice["tiny"] == seeded_twice["bigger"], "query counts grow with the data:\n" + table
    over = {}
    for who, budget in (("anonymous", ANONYMOUS_BUDGET), ("resident", SIGNED_IN_BUDGET)):
        over |= {(who, page): counts for page, counts in seeded_twice["bigger"][who].items() if max(counts) > budget}
    assert over == {}, table
    # Served from the page cache, an anonymous visit is a single query.
    assert {counts[1] for counts in seeded_twice["bigger"]["anonymous"].values()} == {1}
    # A web process knows who asks and has the page's parts: a signed-in page it served before, 我的 included,
    # costs at most SIGNED_IN_WARM_BUDGET queries (its own content, where nothing of it is kept for everyone).
    for who in ("resident, as a web process", "staff, as a web process"):
        warm = {page: counts[1] for page, counts in seeded_twice["bigger"][who].items()}
        assert max(warm.values()) <= SIGNED_IN_WARM_BUDGET, table
    resident = seeded_twice["bigger"]["resident, as a web process"]
    assert resident["home"][1] == resident["wish wall"][1] == 0, table
