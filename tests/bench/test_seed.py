"""The benchmark's seeding (bench/seed.py): a tiny data set that keeps the portal's rules.

``make bench`` seeds 200,000 articles this way; here the same code writes a
few hundred rows in the test database, and the portal's own invariants are
checked on them: what the constraints do not catch, the portal's code would
trip over on the benchmark's pages.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.test import Client

from bench import run, seed
from community.models import User
from news import reads
from news.models import Article
from tests.signing_in import sign_in
from volunteers.models import Activity, ServiceHourRecord, SignUp, Volunteer
from wishes.models import OPEN_STATUSES, WITH_LIVE_CLAIM, Wish, WishClaim, WishTransition


@pytest.fixture
def seeding(transactional_db, media):
    """Seeding commits, and the tables are emptied afterwards (TRUNCATE).

    Not the usual rolled-back transaction: rolled-back bulk inserts would leave
    dead pages behind that change the query plans of the tests that follow.
    """
    yield lambda: seed.seed(seed.TINY, password="bench-password-1", out=lambda line: None)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {seed.MARKER_TABLE}")


@pytest.fixture
def seeded(seeding):
    return seeding()


def test_seeding_is_recorded_so_that_the_next_run_reuses_the_database(seeding):
    assert seed.seeded_sizes() is None
    seeding()
    assert seed.seeded_sizes() == seed.TINY
    assert seed.has_portal_data()


def test_seeded_wishes_are_in_every_state_with_status_and_live_claim_in_step(seeded):
    wishes = list(Wish.objects.select_related("live_claim"))
    assert len(wishes) == seed.TINY.wishes
    assert {wish.status for wish in wishes} == set(Wish.Status.values)
    for wish in wishes:
        assert (wish.live_claim_id is not None) == (wish.status in WITH_LIVE_CLAIM), wish.status
        if wish.live_claim_id:
            assert wish.live_claim.wish_id == wish.pk
            assert wish.live_claim.ended_at is None
    # Claims that ended are history; at most one claim of a wish is live.
    live = WishClaim.objects.filter(ended_at__isnull=True).values("wish").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in live)


def test_each_seeded_wish_has_a_timeline_that_leads_to_its_status(seeded):
    timelines = {}
    for transition in WishTransition.objects.order_by("wish", "created", "id"):
        timelines.setdefault(transition.wish_id, []).append(transition)
    for wish in Wish.objects.all():
        steps = timelines[wish.pk]
        assert (steps[0].from_status, steps[0].to_status) == ("", Wish.Status.SUBMITTED)
        for before, after in zip(steps, steps[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.created >= before.created
        assert steps[-1].to_status == wish.status


def test_seeded_residents_and_claimants_stay_within_the_portals_limits(seeded):
    open_per_owner = Wish.objects.filter(status__in=OPEN_STATUSES).values("owner").annotate(n=Count("pk"))
    assert max(row["n"] for row in open_per_owner if row["owner"]) <= settings.WISH_MAX_OPEN_WISHES
    claims = Wish.objects.filter(status=Wish.Status.CLAIMED).values("live_claim__claimant").annotate(n=Count("pk"))
    assert max(row["n"] for row in claims) <= settings.WISH_MAX_OPEN_CLAIMS
    assert not Wish.objects.filter(owner__isnull=False, live_claim__claimant=F("owner")).exists()


def test_seeded_articles_carry_exactly_what_the_portal_derives_from_them(seeded):
    """Bodies come from a pool of pieces derived once; joined, they must equal a derivation of the whole."""
    for article in Article.objects.order_by("?")[:25]:
        stored = (article.body, article.body_text, article.excerpt, article.search_title, article.search_text)
        article.refresh_derived_fields()
        assert (article.body, article.body_text, article.excerpt, article.search_title, article.search_text) == stored


def test_seeded_articles_are_found_by_the_portals_search(seeded):
    results, words = Article.objects.search("志愿者")
    assert words == ["志愿者"]
    assert results.count() > seed.TINY.articles // 10
    assert all("志愿者" in article.search_text for article in results[:20])
    figures = Article.objects.filter(body__contains="<figure").first()
    assert 'srcset="/media/images/' in figures.body


def test_seeded_hours_are_the_attended_sign_ups_credited_with_their_activitys_length(seeded):
    records = ServiceHourRecord.objects.select_related("activity")
    assert records.count() == seed.TINY.hour_records
    attended = set(SignUp.objects.filter(attended=True, status="signed_up").values_list("activity", "volunteer"))
    assert {(r.activity_id, r.volunteer_id) for r in records} == attended
    assert all(r.hours == r.activity.duration_hours for r in records)
    total = records.aggregate(total=Sum("hours"))["total"]
    assert total == sum((r.activity.duration_hours for r in records), Decimal("0"))
    by_volunteer = Volunteer.objects.with_hours().aggregate(total=Sum("total_hours"))["total"]
    assert by_volunteer == total
    # Hours only for completed activities, never more sign-ups than places.
    assert not records.exclude(activity__status=Activity.Status.COMPLETED).exists()
    overfull = Activity.objects.annotate(
        taken=Count("signups", filter=Q(signups__status=SignUp.Status.SIGNED_UP))
    ).filter(taken__gt=F("capacity"))
    assert not overfull.exists()


def test_every_page_the_benchmark_measures_renders_on_the_seeded_data(seeded):
    accounts = {"resident": seed.RESIDENT_USERNAME, "staff": seed.STAFF_USERNAME}
    clients = {"anonymous": Client()}
    for who, username in accounts.items():  # signed in once each, as the benchmark's visitors are
        clients[who] = Client()
        sign_in(clients[who], User.objects.get(username=username))
    targets = run.pick_targets()
    assert {target.phase for target in targets} == set(run.PHASES)
    for target in targets:
        response = clients[target.who].get(target.path)
        assert response.status_code == 200, target
    reads.buffer.flush()  # the article page counted a read; write it while the test database exists


def test_the_benchmark_finds_a_cold_builds_slowest_query_with_its_plan(seeded):
    """What the report prints under the table: the slowest SELECT of a page built cold, as PostgreSQL ran it."""
    cold, warm, slowest = run.count_queries(Client(), "/wishes/")
    assert cold > warm >= 1
    assert slowest["ms"] >= 0 and slowest["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    assert "Execution Time" in slowest["plan"]
    reads.buffer.flush()
