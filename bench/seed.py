"""Seed a city-sized data set into the benchmark's database, in a few minutes.

``seed(CITY)`` writes 200,000 articles, 100,000 wishes in every state with
their claims and timelines, 20,000 volunteers in 50 teams, 10,000 activities
with their sign-ups and 500,000 service-hour records, and enough partner units,
buildings, whistles, reports, notifications and daily reads for every page to
have content. ``TINY`` is the same in a few hundred rows, for the tests.

Why it is fast:

- Big tables are written with PostgreSQL's COPY (psycopg 3's ``cursor.copy``):
  one statement streams a million rows, where ``bulk_create`` would build
  and send a million parameter lists. Rows get explicit ids, so that tables
  can point at each other before they are written; foreign keys are checked
  when the seeding ends (Django declares them DEFERRABLE INITIALLY DEFERRED).
- Everything happens in one transaction, and the secondary indexes of the
  big tables are dropped before the COPY and built again after it: one sorted
  build instead of a million index insertions. A failed seeding leaves
  nothing behind, not even a missing index.
- Article bodies are drawn from a pool of a few hundred paragraphs, figures
  and rare sentences, each sanitised (``news.content.sanitize_body``), turned
  into text (``plain_text``) and cut into search words
  (``community.search.segment_document``) once. An article's derived columns
  are its pieces' results joined, which is what ``Article.refresh_derived_fields``
  computes from the whole body; every thousandth article is checked against
  it while seeding. The search vector is a generated column: PostgreSQL
  computes it from ``search_title`` and ``search_text``.
- One password hash for every seeded account: hashing 20,000 passwords would
  take minutes, by design of the hash.

The data keeps the portal's rules, so that the periodic jobs find (almost)
nothing to do and the pages show what production would: a wish's status
agrees with its live claim and its timeline leads to it; a resident has at
most WISH_MAX_OPEN_WISHES open wishes and a claimant WISH_MAX_OPEN_CLAIMS open
claims; claims and fulfilments are younger than the limits after which the
jobs would expire or confirm them; old finished wishes have their contact
details erased; every attendance hour record belongs to an attended sign-up
and equals its activity's duration; no activity has more sign-ups than places.
"""

import html
import json
import operator
import random
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from bench import text
from community import roles
from community.demo_pictures import draw_scene
from community.images import store_upload
from community.models import Building, Grid, Image, Notification, PartyBranch, User
from community.search import segment_document
from news.content import plain_text, sanitize_body
from news.models import Article, ArticleRead, Column
from volunteers.models import (
    Activity,
    OpeningHours,
    PartnerMembership,
    PartnerUnit,
    ServiceHourRecord,
    SignUp,
    Team,
    TeamMembership,
    Volunteer,
    Workstation,
)
from whistles.models import (
    ProblemReport,
    Rating,
    ReportTransition,
    Whistle,
    WhistleCall,
    WhistleTransition,
    WhistleUpdate,
)
from wishes.models import Wish, WishClaim, WishTransition

# Change when the data set changes shape: a database seeded by another version is not reused.
SEED_VERSION = 1
MARKER_TABLE = "bench_seed"
HISTORY_DAYS = 4 * 365
RANDOM_SEED = 9

STAFF_USERNAME = "bench-staff"
ADMIN_USERNAME = "bench-admin"
RESIDENT_USERNAME = "bench-resident"

# Tables whose secondary indexes are built after the COPY rather than during it.
BULK_MODELS = [
    Article,
    ArticleRead,
    Image,
    User,
    Volunteer,
    TeamMembership,
    Activity,
    SignUp,
    ServiceHourRecord,
    Wish,
    WishClaim,
    WishTransition,
    Notification,
]


@dataclass(frozen=True)
class Sizes:
    """How much of everything to seed."""

    articles: int
    wishes: int
    volunteers: int
    teams: int
    activities: int
    hour_records: int
    residents: int  # accounts that are not volunteers: wish owners, reporters
    partner_units: int
    grids: int
    buildings_per_grid: int
    whistles: int
    reports: int  # problem reports answered without a whistle (a reply, a merge) or waiting
    notifications: int
    read_articles: int  # the newest articles get a read count for each of the last read_days
    read_days: int
    paragraphs: int
    figures: int
    wish_texts: int
    photos: int  # real photo files (drawn and encoded); every seeded Image shares one of them


CITY = Sizes(
    articles=200_000,
    wishes=100_000,
    volunteers=20_000,
    teams=50,
    activities=10_000,
    hour_records=500_000,
    residents=30_000,
    partner_units=60,
    grids=20,
    buildings_per_grid=25,
    whistles=3_000,
    reports=6_000,
    notifications=100_000,
    read_articles=3_000,
    read_days=30,
    paragraphs=400,
    figures=200,
    wish_texts=400,
    photos=6,
)

TINY = Sizes(
    articles=200,
    wishes=100,
    volunteers=60,
    teams=4,
    activities=30,
    hour_records=300,
    residents=80,
    partner_units=4,
    grids=2,
    buildings_per_grid=5,
    whistles=10,
    reports=20,
    notifications=50,
    read_articles=20,
    read_days=5,
    paragraphs=20,
    figures=5,
    wish_texts=30,
    photos=1,
)


# --- Writing rows ------------------------------------------------------------------------------------


class Table:
    """The rows of one model's table, given by column name, written with one COPY.

    ``add(**values)`` keeps a row; ``row(**values)`` only builds it, for rows
    streamed from a generator. Either way every column named when the Table
    was made must be given, and no other.
    """

    def __init__(self, model, *columns):
        self.model, self.columns, self.rows = model, columns, []
        self._ordered = operator.itemgetter(*columns)

    def row(self, **values):
        if len(values) != len(self.columns):
            raise TypeError(f"{self.model.__name__} rows take {self.columns}, not {tuple(values)}")
        return self._ordered(values)

    def add(self, **values):
        self.rows.append(self.row(**values))


def copy_rows(model, columns, rows):
    """COPY ``rows`` (tuples in ``columns`` order) into ``model``'s table; return how many.

    Columns not named get the model field's default, so that a field added
    later with a default needs no change here. Generated columns, and the id
    when it is not given, are left to PostgreSQL. A column without a default
    that is not given is an error.
    """
    given = list(columns)
    missing, tail = [], []
    for field in model._meta.concrete_fields:
        if field.column in given or getattr(field, "generated", False) or field is model._meta.auto_field:
            continue
        value = field.get_db_prep_save(field.get_default(), connection)
        if value is None and not field.null:
            raise ValueError(f"Seeding {model.__name__} needs a value for {field.column}")
        missing.append(field.column)
        tail.append(value)
    tail = tuple(tail)
    names = ", ".join(connection.ops.quote_name(name) for name in given + missing)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row + tail)
            count += 1
    return count


def next_ids(model, count):
    """``count`` fresh primary keys for ``model`` (the sequence is moved past them after seeding)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")
        start = cursor.fetchone()[0] + 1
    return range(start, start + count)


def _secondary_indexes(models):
    """(name, CREATE INDEX statement) of the indexes on ``models``' tables that back no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [[model._meta.db_table for model in models]],
        )
        return cursor.fetchall()


class IndexesBuiltAfterwards:
    """Drop the secondary indexes of ``models`` on entering; build them again on leaving.

    Use inside a transaction: if anything fails in between, the DROP is rolled
    back with everything else.
    """

    def __init__(self, models):
        self.indexes = _secondary_indexes(models)

    def __enter__(self):
        with connection.cursor() as cursor:
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    def __exit__(self, error_type, error, tb):
        if error_type is None:
            with connection.cursor() as cursor:
                # Check the deferred foreign keys now: PostgreSQL builds no index on a table with checks pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for _name, definition in self.indexes:
                    cursor.execute(definition)
        return False


# --- Whether the database is seeded --------------------------------------------------------------------

OUTDATED = "outdated"


def seeded_sizes():
    """The sizes the database was seeded with; None if it was not seeded, OUTDATED if by another SEED_VERSION."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT version, sizes FROM {MARKER_TABLE} ORDER BY seeded_at DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    version, sizes = row
    if version != SEED_VERSION:
        return OUTDATED
    # Django's PostgreSQL backend hands jsonb over as text (JSONField decodes it itself).
    try:
        return Sizes(**json.loads(sizes))
    except TypeError:  # recorded before Sizes changed
        return OUTDATED


def has_portal_data():
    """Whether the portal's tables already hold accounts or articles (seeded by hand, or otherwise)."""
    return User.objects.exists() or Article.objects.exists()


def _record_seeding(sizes, seconds, counts):
    from psycopg.types.json import Jsonb

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (seeded_at timestamptz PRIMARY KEY, version integer NOT NULL,"
            " sizes jsonb NOT NULL, seconds float NOT NULL, counts jsonb NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (seeded_at, version, sizes, seconds, counts) VALUES (now(), %s, %s, %s, %s)",
            [SEED_VERSION, Jsonb(asdict(sizes)), seconds, Jsonb(counts)],
        )


# --- Pieces of text, derived once ------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A part of an article body: its sanitised HTML, its plain text and its search words."""

    html: str
    text: str
    words: str

    @classmethod
    def of(cls, raw_html):
        clean = sanitize_body(raw_html)
        body_text = plain_text(clean)
        return cls(clean, body_text, segment_document(body_text))


def _join_words(*parts):
    return " ".join(part for part in parts if part)


def spread(total, capacities, rng):
    """Counts adding up to ``total``, the i-th at most ``capacities[i]``, in proportion to random weights."""
    if total > sum(capacities):
        raise ValueError(f"Cannot spread {total} over capacities adding up to {sum(capacities)}")
    weights = [rng.uniform(0.3, 1.7) for _ in capacities]
    scale = total / sum(weights)
    counts = [min(capacity, int(weight * scale)) for weight, capacity in zip(weights, capacities, strict=True)]
    remaining = total - sum(counts)
    order = list(range(len(capacities)))
    while remaining:
        rng.shuffle(order)
        for i in order:
            if remaining and counts[i] < capacities[i]:
                counts[i] += 1
                remaining -= 1
    return counts


# --- The seeder -----------------------------------------------------------------------------------------


class Seeder:
    """Writes one data set; each method seeds one area and keeps the ids the later areas need."""

    def __init__(self, sizes, *, password, now=None, out=print):
        self.sizes = sizes
        self.rng = random.Random(RANDOM_SEED)
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.password_hash = make_password(password)
        self.out = out
        self.counts = {}

    # Helpers ---------------------------------------------------------------------------------------------

    def when(self, start=None, end=None):
        """A random moment between ``start`` (default: four years ago) and ``end`` (default: now)."""
        start, end = start or self.start, end or self.now
        return start + timedelta(seconds=int(self.rng.random() * max(0, (end - start).total_seconds())))

    def uuid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def phone(self):
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def write(self, table, rows=None):
        """COPY ``table``'s rows (or ``rows``, streamed); remember the count for the report."""
        label = table.model._meta.label
        written = copy_rows(table.model, table.columns, table.rows if rows is None else rows)
        self.counts[label] = self.counts.get(label, 0) + written

    def step(self, label, method):
        started = time.monotonic()
        method()
        self.out(f"  {label}: {time.monotonic() - started:.1f} s")

    # The whole data set ---------------------------------------------------------------------------------

    def run(self):
        roles.sync_roles()
        with transaction.atomic(), IndexesBuiltAfterwards(BULK_MODELS):
            self.step("people, grids and buildings", self.people)
            self.step("pictures", self.pictures)
            self.step("news", self.news)
            self.step("volunteers, teams, activities and hours", self.volunteering)
            self.step("micro-wishes", self.wishes)
            self.step("red whistle", self.whistles)
            self.step("notifications", self.notifications)
            started = time.monotonic()
            # Rows were written with explicit ids: move each sequence past them.
            written = [apps.get_model(label) for label in sorted(self.counts)]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), written):
                    cursor.execute(sql)
        self.out(f"  indexes, foreign key checks and commit: {time.monotonic() - started:.1f} s")
        return self.counts

    # People, grids and buildings -------------------------------------------------------------------------

    def people(self):
        sizes, rng = self.sizes, self.rng
        users = Table(
            User, "id", "password", "is_superuser", "username", "email", "is_staff", "date_joined", "display_name"
        )
        count = 3 + sizes.grids + sizes.residents + sizes.volunteers + 3 * sizes.partner_units
        ids = iter(next_ids(User, count))
        self.display_names, self.emails = {}, {}

        def account(username, name, *, staff=False, superuser=False, email=""):
            user_id = next(ids)
            users.add(
                id=user_id,
                password=self.password_hash,
                is_superuser=superuser,
                username=username,
                email=email,
                is_staff=staff,
                date_joined=self.when(end=self.now - timedelta(days=30)),
                display_name=name,
            )
            self.display_names[user_id], self.emails[user_id] = name, email
            return user_id

        account(ADMIN_USERNAME, "管理员", staff=True, superuser=True)
        self.staff = account(STAFF_USERNAME, "刘晓燕", staff=True)
        self.grid_workers = [account(f"wangge{i:03d}", text.display_name(rng), staff=True) for i in range(sizes.grids)]
        self.reviewers = [self.staff, *self.grid_workers]
        self.resident = account(RESIDENT_USERNAME, "王秀英", email="resident@example.cn")
        self.residents = [self.resident] + [
            account(
                f"139{i:08d}" if i % 5 else f"jumin{i}",
                text.display_name(rng),
                email=f"jumin{i}@example.cn" if i % 3 == 0 else "",
            )
            for i in range(1, sizes.residents)
        ]
        self.volunteer_users = [
            account(f"137{i:08d}" if i % 4 else f"zhiyuan{i}", text.display_name(rng)) for i in range(sizes.volunteers)
        ]
        self.unit_members = [
            account(f"danwei{i}", text.display_name(rng), email=f"danwei{i}@example.cn")
            for i in range(3 * sizes.partner_units)
        ]
        self.write(users)

        groups = dict(Group.objects.values_list("name", "id"))
        in_groups = [(self.staff, role) for role in roles.ROLE_PERMISSIONS]
        in_groups += [(worker, role) for worker in self.grid_workers for role in (roles.GRID_WORKER, roles.REVIEWER)]
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=user_id, group_id=groups[role]) for user_id, role in in_groups
        )
        streets = [
            text.STREETS[i % len(text.STREETS)] + (f"{i}号" if i >= len(text.STREETS) else "")
            for i in range(sizes.grids)
        ]
        grids = Grid.objects.bulk_create(
            Grid(name=f"第{i + 1}网格", order=i + 1, description=f"{street}一带", grid_worker_id=worker)
            for i, (street, worker) in enumerate(zip(streets, self.grid_workers, strict=True))
        )
        buildings = Building.objects.bulk_create(
            Building(grid=grid, name=f"{street}{n}栋", households=rng.randint(40, 90), order=n)
            for grid, street in zip(grids, streets, strict=True)
            for n in range(1, sizes.buildings_per_grid + 1)
        )
        self.buildings = [building.pk for building in buildings]
        self.building_names = {building.pk: building.name for building in buildings}
        # Each grid's party branch, its grid worker as secretary (the branch page; party days are not seeded).
        PartyBranch.objects.bulk_create(
            PartyBranch(grid=grid, name=f"{grid.name}党支部", secretary_id=grid.grid_worker_id) for grid in grids
        )

    # Pictures -------------------------------------------------------------------------------------------

    def pictures(self):
        """A few real photos through the portal's own upload path; every seeded Image shares their files."""
        self.photo_files = []
        scenes = ["river", "feast", "volunteers", "bins", "alley", "study"]
        for index, scene in enumerate(scenes[: self.sizes.photos]):
            upload = SimpleUploadedFile(f"{scene}.jpg", draw_scene(scene, seed=index), content_type="image/jpeg")
            photo = store_upload(upload, alt=scene)
            self.photo_files.append((photo.width, photo.height, photo.renditions))

    def images(self, count, alts):
        """``count`` Image rows (metadata only) on the real photos' files; returns [(id, key)]."""
        from psycopg.types.json import Jsonb

        images = Table(Image, "id", "key", "alt", "width", "height", "renditions", "created")
        made = []
        for image_id in next_ids(Image, count):
            width, height, renditions = self.rng.choice(self.photo_files)
            key = self.uuid()
            images.add(
                id=image_id,
                key=key,
                alt=self.rng.choice(alts),
                width=width,
                height=height,
                renditions=Jsonb(renditions),
                created=self.now,
            )
            made.append((image_id, key))
        self.write(images)
        return made

    # News -----------------------------------------------------------------------------------------------

    def news(self):
        sizes, rng = self.sizes, self.rng
        leaves, weights = self._columns()
        figure_images = self.images(sizes.figures, [text.caption(rng) for _ in range(20)])
        figures = [
            # As the editor writes a photo: our rendition's address, which sanitize_body redraws from the Image.
            Piece.of(
                f'<figure><img src="{settings.MEDIA_URL}images/{key.hex[:2]}/{key.hex}-1200.webp" '
                f'alt="{html.escape(text.caption(rng))}"><figcaption>{html.escape(text.caption(rng))}</figcaption>'
                "</figure>"
            )
            for _image_id, key in figure_images
        ]
        paragraphs = [Piece.of(f"<p>{html.escape(p)}</p>") for p in text.paragraphs(sizes.paragraphs, rng)]
        rare = [Piece.of(f"<p>{html.escape(sentence)}</p>") for _word, sentence in text.rare_sentences(rng)]
        summaries = [(s, segment_document(s)) for s in (text.article_summary(rng) for _ in range(200))]
        covers = iter(self.images(int(sizes.articles * 0.7), [""]))
        sources = ["社区党委", "社区居委会", "志愿服务站", "网格工作站", "卫生保洁协会"]
        articles = Table(
            Article,
            *("id", "title", "column_id", "summary", "body", "cover_id", "source", "author", "publish_at", "status"),
            *("created", "updated", "body_text", "excerpt", "search_title", "search_text"),
        )
        article_ids = next_ids(Article, sizes.articles)
        published, samples = [], []

        def rows():
            # No queries in here: the connection is busy streaming the COPY.
            for n, article_id in enumerate(article_ids):
                title = text.article_title(rng)
                summary, summary_words = rng.choice(summaries) if rng.random() < 0.4 else ("", "")
                pieces = rng.sample(paragraphs, rng.randint(2, 5))
                if rng.random() < 0.4:
                    pieces.insert(1, rng.choice(figures))
                if rng.random() < 0.01:
                    pieces.append(rng.choice(rare))
                body = "".join(piece.html for piece in pieces)
                body_text = "\n".join(piece.text for piece in pieces)
                search_text = _join_words(summary_words, *(piece.words for piece in pieces))
                roll = rng.random()
                if roll < 0.01:
                    status, publish_at = Article.Status.DRAFT, self.when(self.now - timedelta(days=60))
                elif roll < 0.015:  # scheduled
                    status, publish_at = Article.Status.PUBLISHED, self.when(self.now, self.now + timedelta(days=14))
                else:
                    status, publish_at = Article.Status.PUBLISHED, self.when()
                    published.append((publish_at, article_id))
                if n % 1000 == 0:
                    samples.append((title, summary, body, body_text, search_text))
                written = min(publish_at, self.now)
                yield articles.row(
                    id=article_id,
                    title=title,
                    column_id=rng.choices(leaves, weights)[0],
                    summary=summary,
                    body=body,
                    cover_id=next(covers, (None,))[0] if rng.random() < 0.7 else None,
                    source=rng.choice(sources),
                    author=text.display_name(rng) if rng.random() < 0.5 else "",
                    publish_at=publish_at,
                    status=status,
                    created=written - timedelta(hours=2),
                    updated=written,
                    body_text=body_text,
                    excerpt=body_text[:120],
                    search_title=segment_document(title),
                    search_text=search_text,
                )

        self.write(articles, rows())
        for sample in samples:
            self._check_derived(*sample)
        published.sort(reverse=True)
        Article.objects.filter(pk__in=[article_id for _at, article_id in published[:3]]).update(pinned=True)
        self._daily_reads(published[: sizes.read_articles])

    def _check_derived(self, title, summary, body, body_text, search_text):
        """Guard: the joined pieces are exactly what the portal derives from the whole body."""
        probe = Article(title=title, summary=summary, body=body)
        probe.refresh_derived_fields()
        if (probe.body, probe.body_text, probe.search_text) != (body, body_text, search_text):
            raise RuntimeError(f"Seeded derived fields differ from Article.refresh_derived_fields for {title!r}")

    def _columns(self):
        """The column tree; returns the columns articles go into, and their weights (the first tree is the biggest)."""
        leaves, weights = [], []
        for order, (slug, name, description, children) in enumerate(text.COLUMNS, start=1):
            parent = Column.objects.create(slug=slug, name=name, description=description, order=order)
            if not children:
                leaves.append(parent.pk)
                weights.append(2)
            for child_order, (child_slug, child_name) in enumerate(children, start=1):
                child = Column.objects.create(slug=child_slug, name=child_name, parent=parent, order=child_order)
                leaves.append(child.pk)
                weights.append(12 if order == 1 else 3)
        return leaves, weights

    def _daily_reads(self, articles):
        reads = Table(ArticleRead, "article_id", "day", "count")
        today = timezone.localdate(self.now)
        for published, article_id in articles:
            first_day = timezone.localdate(published)
            for day in (today - timedelta(days=n) for n in range(self.sizes.read_days)):
                if day >= first_day:
                    reads.add(article_id=article_id, day=day, count=int(self.rng.paretovariate(1.2) * 20))
        self.write(reads)

    # Volunteers, teams, activities and service hours -----------------------------------------------------------

    def volunteering(self):
        self._teams_and_units()
        self._volunteers()
        self._memberships()
        self._activities()

    def _teams_and_units(self):
        sizes, rng = self.sizes, self.rng
        logos = self.images(sizes.teams, ["服务队标志"])
        teams = []
        for i in range(sizes.teams):
            kind_name, kind = text.TEAM_KINDS[i % len(text.TEAM_KINDS)]
            street = text.STREETS[(i // len(text.TEAM_KINDS)) % len(text.STREETS)]
            teams.append(
                Team(
                    name=f"{street}{kind_name}" + (f"{i // 100 + 1}" if i >= 100 else ""),
                    kind=kind,
                    description=f"{street}一带的{kind_name}，欢迎有热心、有时间的居民加入。",
                    logo_id=logos[i][0],
                    office_phone=f"0714-62{i:05d}",
                    order=i,
                )
            )
        Team.objects.bulk_create(teams)
        self.teams = [team.pk for team in teams]
        self.team_names = {team.pk: team.name for team in teams}
        units = PartnerUnit.objects.bulk_create(
            PartnerUnit(
                name=text.DISTRICTS[i // len(text.UNIT_NAMES) % len(text.DISTRICTS)]
                + text.UNIT_NAMES[i % len(text.UNIT_NAMES)],
                kind=rng.choice(PartnerUnit.Kind.values),
                description="社区的共建单位，定期参加志愿服务和吹哨报到。",
                office_phone=f"0714-63{i:05d}",
            )
            for i in range(sizes.partner_units)
        )
        self.units = [unit.pk for unit in units]
        self.members_of_unit = {unit: [] for unit in self.units}
        for i, user_id in enumerate(self.unit_members):
            self.members_of_unit[self.units[i % len(self.units)]].append(user_id)
        PartnerMembership.objects.bulk_create(
            PartnerMembership(unit_id=unit, user_id=user_id, added_by_id=self.staff)
            for unit, members in self.members_of_unit.items()
            for user_id in members
        )
        for i, leader in enumerate(self.reviewers[:5]):
            workstation = Workstation.objects.create(
                name=f"{self.display_names[leader]}工作室",
                leader_id=leader,
                services="调解邻里纠纷、谈心疏导、帮老人办事",
                place=f"社区党群服务中心{i + 1}楼",
                order=i,
            )
            OpeningHours.objects.bulk_create(
                OpeningHours(workstation=workstation, weekday=day, start="09:00", end="11:30") for day in (1, 3)
            )

    def _volunteers(self):
        rng, now = self.rng, self.now
        volunteers = Table(
            Volunteer,
            *("id", "user_id", "real_name", "phone", "skills", "availability", "terms_accepted_at", "status"),
            *("reject_reason", "applied_at", "decided_at", "decided_by_id", "show_on_honour_roll"),
        )
        self.user_of_volunteer, self.approved = {}, []
        statuses = [Volunteer.Status.APPROVED, Volunteer.Status.APPLIED, Volunteer.Status.REJECTED]
        ids = next_ids(Volunteer, len(self.volunteer_users))
        for volunteer_id, user_id in zip(ids, self.volunteer_users, strict=True):
            applied = self.when(end=now - timedelta(days=40))
            status = rng.choices(statuses, [0.92, 0.05, 0.03])[0]
            decided = None if status == Volunteer.Status.APPLIED else applied + timedelta(days=rng.randint(1, 10))
            volunteers.add(
                id=volunteer_id,
                user_id=user_id,
                real_name=self.display_names[user_id],
                phone=self.phone(),
                skills=rng.choice(["理发", "修家电", "会开车", "懂法律", "会电脑", ""]),
                availability=rng.choice(["周末上午", "工作日晚上", "随时", ""]),
                terms_accepted_at=applied,
                status=status,
                reject_reason="暂不符合条件" if status == Volunteer.Status.REJECTED else "",
                applied_at=applied,
                decided_at=decided,
                decided_by_id=rng.choice(self.reviewers) if decided else None,
                show_on_honour_roll=rng.random() < 0.3,
            )
            self.user_of_volunteer[volunteer_id] = user_id
            if status == Volunteer.Status.APPROVED:
                self.approved.append(volunteer_id)
        self.write(volunteers)

    def _memberships(self):
        """Every approved volunteer in one team (teams of different sizes, the first the biggest), some in two."""
        rng, now = self.rng, self.now
        memberships = Table(
            TeamMembership, "team_id", "volunteer_id", "status", "is_leader", "created", "decided_at", "decided_by_id"
        )
        weights = [rng.uniform(0.4, 2.0) for _ in self.teams]
        weights[0] = max(weights) * 1.5
        self.members = {team: [] for team in self.teams}
        self.leaders = {team: [] for team in self.teams}
        for volunteer_id in self.approved:
            chosen = {rng.choices(self.teams, weights)[0]}
            if rng.random() < 0.3:
                chosen.add(rng.choice(self.teams))
            for team in sorted(chosen):
                leader = len(self.members[team]) < 2  # the first two members lead the team
                self.members[team].append(volunteer_id)
                if leader:
                    self.leaders[team].append(self.user_of_volunteer[volunteer_id])
                joined = self.when(end=now - timedelta(days=35))
                memberships.add(
                    team_id=team,
                    volunteer_id=volunteer_id,
                    status=TeamMembership.Status.ACCEPTED,
                    is_leader=leader,
                    created=joined,
                    decided_at=joined + timedelta(days=1),
                    decided_by_id=self.staff,
                )
            other = rng.choice(self.teams)
            if rng.random() < 0.02 and other not in chosen:  # waiting for the leader's answer
                memberships.add(
                    team_id=other,
                    volunteer_id=volunteer_id,
                    status=TeamMembership.Status.REQUESTED,
                    is_leader=False,
                    created=self.when(now - timedelta(days=20)),
                    decided_at=None,
                    decided_by_id=None,
                )
        self.write(memberships)

    def _activities(self):
        """Activities (past ones completed or cancelled, 3% upcoming), their sign-ups and the hours they credited."""
        sizes, rng, now = self.sizes, self.rng, self.now
        tz = timezone.get_current_timezone()
        plans = []
        for activity_id in next_ids(Activity, sizes.activities):
            roll = rng.random()
            if roll < 0.03:
                status, starts = Activity.Status.OPEN, self.when(now + timedelta(days=1), now + timedelta(days=60))
            else:
                status = Activity.Status.CANCELLED if roll < 0.05 else Activity.Status.COMPLETED
                starts = self.when(end=now - timedelta(days=1))
            starts = starts.astimezone(tz).replace(minute=0, second=0)
            hours = Decimal(rng.choice([4, 6, 8, 10, 12, 16])) / 4  # in quarters, as Activity.duration_hours rounds
            plans.append((activity_id, rng.choice(self.teams), status, starts, hours))
        completed = [plan for plan in plans if plan[2] == Activity.Status.COMPLETED]
        attendees = spread(sizes.hour_records, [min(len(self.members[plan[1]]), 120) for plan in completed], rng)
        attendance = {plan[0]: count for plan, count in zip(completed, attendees, strict=True)}

        activities = Table(
            Activity,
            *("id", "team_id", "title", "description", "starts_at", "ends_at", "place", "capacity"),
            *("signup_deadline", "status", "checkin_closed_at", "checkin_closed_by_id"),
        )
        signups = Table(
            SignUp, "activity_id", "volunteer_id", "status", "attended", "checked_in_at", "checked_in_by_id", "created"
        )
        hours_table = Table(
            ServiceHourRecord, "volunteer_id", "activity_id", "hours", "served_on", "kind", "recorded_by_id", "created"
        )
        for activity_id, team, status, starts, hours in plans:
            members = self.members[team]
            attended = attendance.get(activity_id, 0)
            if status == Activity.Status.OPEN:
                signed_up = rng.randint(0, min(len(members), 30))
            elif status == Activity.Status.COMPLETED:  # a few of those signed up did not come
                signed_up = attended + min(rng.randint(0, 3), len(members) - attended)
            else:
                signed_up = 0
            ends = starts + timedelta(hours=float(hours))
            closer = rng.choice(self.leaders[team] or [self.staff]) if status == Activity.Status.COMPLETED else None
            closed_at = ends + timedelta(hours=1) if closer else None
            kind = rng.choice(text.ACTIVITY_KINDS)
            activities.add(
                id=activity_id,
                team_id=team,
                title=f"{kind}({starts:%m月%d日})",
                description=f"{self.team_names[team]}组织{kind}，欢迎队员报名参加。",
                starts_at=starts,
                ends_at=ends,
                place=f"{rng.choice(text.STREETS)}社区活动室",
                capacity=max(1, signed_up + rng.randint(0, 10)),
                signup_deadline=starts - timedelta(hours=2),
                status=status,
                checkin_closed_at=closed_at,
                checkin_closed_by_id=closer,
            )
            # The first `attended` came, the rest of `signed_up` did not; two more withdrew in time.
            for position, volunteer_id in enumerate(rng.sample(members, min(len(members), signed_up + 2))):
                present = position < attended
                signups.add(
                    activity_id=activity_id,
                    volunteer_id=volunteer_id,
                    status=SignUp.Status.SIGNED_UP if position < signed_up else SignUp.Status.CANCELLED,
                    attended=present,
                    checked_in_at=starts + timedelta(minutes=rng.randint(0, 20)) if present else None,
                    checked_in_by_id=closer if present else None,
                    created=starts - timedelta(days=rng.randint(2, 10)),
                )
                if present:
                    hours_table.add(
                        volunteer_id=volunteer_id,
                        activity_id=activity_id,
                        hours=hours,
                        served_on=starts.date(),
                        kind=ServiceHourRecord.Kind.ATTENDANCE,
                        recorded_by_id=closer,
                        created=closed_at,
                    )
        self.write(activities)
        self.write(signups)
        self.write(hours_table)

    # Micro-wishes ---------------------------------------------------------------------------------------------

    WISH_SHARES = {
        Wish.Status.CONFIRMED: 0.55,
        Wish.Status.PUBLISHED: 0.10,
        Wish.Status.CLAIMED: 0.02,
        Wish.Status.FULFILLED: 0.02,
        Wish.Status.SUBMITTED: 0.03,
        Wish.Status.REJECTED: 0.08,
        Wish.Status.WITHDRAWN: 0.10,
        Wish.Status.CLOSED: 0.10,
    }

    def wishes(self):
        """Wishes in every state, each with the claims and transitions its story implies (see WishStory)."""
        sizes, rng = self.sizes, self.rng
        texts = [(c, t, d, segment_document(t, d)) for c, t, d in text.wish_texts(sizes.wish_texts, rng)]
        states, shares = list(self.WISH_SHARES), list(self.WISH_SHARES.values())
        tables = WishStory.tables()
        claim_ids = iter(next_ids(WishClaim, 2 * sizes.wishes))
        # Open wishes per resident, and open claims per claimant or unit, within the portal's limits.
        open_owners = iter(self.residents * settings.WISH_MAX_OPEN_WISHES)
        open_claimants = iter([self.user_of_volunteer[v] for v in self.approved] * settings.WISH_MAX_OPEN_CLAIMS)
        open_units = iter(self.units * settings.WISH_MAX_OPEN_CLAIMS)
        for n, wish_id in enumerate(next_ids(Wish, sizes.wishes)):
            # Every state at least once however few the wishes; then in the shares above.
            status = states[n] if n < len(states) else rng.choices(states, shares)[0]
            story = WishStory(self, tables, claim_ids, wish_id, status, rng.choice(texts))
            if status in (Wish.Status.SUBMITTED, Wish.Status.PUBLISHED, Wish.Status.CLAIMED, Wish.Status.FULFILLED):
                story.owner = next(open_owners)
            if status == Wish.Status.CLAIMED:
                unit = next(open_units, None) if rng.random() < 0.15 else None
                story.live_claimant = (
                    (rng.choice(self.members_of_unit[unit]), unit) if unit else (next(open_claimants), None)
                )
            story.write()
        for table in tables.values():
            self.write(table)

    def any_claimant(self):
        """(user, unit): an approved volunteer for themselves, or a partner unit's member for the unit."""
        if self.rng.random() < 0.15:
            unit = self.rng.choice(self.units)
            return self.rng.choice(self.members_of_unit[unit]), unit
        return self.user_of_volunteer[self.rng.choice(self.approved)], None

    # Red whistle ----------------------------------------------------------------------------------------------

    def whistles(self):
        """Whistles in every state with their calls, report-ins, reports, ratings; and reports answered without one."""
        rng = self.rng
        tables = {
            "whistles": Table(
                Whistle,
                *("id", "title", "description", "category", "building_id", "spot", "report_in_by", "resolve_by"),
                *("status", "summary", "created_by_id", "created", "closed_at"),
            ),
            "calls": Table(
                WhistleCall,
                *("id", "whistle_id", "unit_id", "team_id", "status", "called_at", "reported_in_at"),
                *("reported_in_by_id", "people", "done_at", "overdue_notified_at"),
            ),
            "updates": Table(WhistleUpdate, "call_id", "author_id", "text", "created"),
            "transitions": Table(
                WhistleTransition, "whistle_id", "from_status", "to_status", "actor_id", "note", "created"
            ),
            "ratings": Table(Rating, "whistle_id", "rater_id", "score", "comment", "created"),
            "reports": Table(
                ProblemReport,
                *("id", "category", "description", "building_id", "spot", "reporter_id", "status", "reply"),
                *("merged_into_id", "whistle_id", "created"),
            ),
            "report_transitions": Table(
                ReportTransition, "report_id", "from_status", "to_status", "actor_id", "note", "created"
            ),
        }
        self.report_ids = iter(next_ids(ProblemReport, 3 * self.sizes.whistles + self.sizes.reports))
        self.call_ids = iter(next_ids(WhistleCall, 4 * self.sizes.whistles))
        first_reports = []
        for whistle_id in next_ids(Whistle, self.sizes.whistles):
            roll = rng.random()
            status = (
                "closed" if roll < 0.7 else "in_progress" if roll < 0.85 else "called" if roll < 0.95 else "reopened"
            )
            first_reports.append((self._whistle(tables, whistle_id, Whistle.Status(status)), whistle_id))
        self._reports_without_whistle(tables, first_reports)
        for name in ("whistles", "reports", "report_transitions", "calls", "updates", "transitions", "ratings"):
            self.write(tables[name])

    def _whistle(self, tables, whistle_id, status):
        """One whistle's story; returns the id of its first report (duplicates are merged into it)."""
        rng, now = self.rng, self.now
        closed = status in (Whistle.Status.CLOSED, Whistle.Status.REOPENED)
        if status == Whistle.Status.CALLED:  # nobody reported in yet: blown in the last three days
            created = self.when(now - timedelta(days=3))
        elif status == Whistle.Status.IN_PROGRESS:  # report-ins come within a day
            created = self.when(now - timedelta(days=20), now - timedelta(days=1))
        else:
            created = self.when(end=now - timedelta(days=10))
        report_in_by = created + timedelta(hours=24)
        closed_at = created + timedelta(days=rng.randint(2, 7)) if closed else None
        category, problem, description = rng.choice(text.PROBLEMS)
        building = rng.choice(self.buildings)
        title = f"{self.building_names[building]}{problem}"[:60]
        summary = "已处理完毕，现场恢复整洁。" if closed else ""
        blower = rng.choice(self.reviewers)
        tables["whistles"].add(
            id=whistle_id,
            title=title,
            description=description,
            category=category,
            building_id=building,
            spot=rng.choice(["楼后", "单元门口", "巷口", ""]),
            report_in_by=report_in_by,
            resolve_by=created + timedelta(days=7),
            status=status,
            summary=summary,
            created_by_id=blower,
            created=created,
            closed_at=closed_at,
        )
        tables["transitions"].add(
            whistle_id=whistle_id, from_status="", to_status="called", actor_id=blower, note="", created=created
        )

        # The residents' reports it answers, one to three, from different residents.
        reporters = list(dict.fromkeys(rng.choice(self.residents) for _ in range(rng.randint(1, 3))))
        report_ids = []
        for reporter in reporters:
            report_id = next(self.report_ids)
            report_ids.append(report_id)
            reported = created - timedelta(hours=rng.randint(2, 48))
            tables["reports"].add(
                id=report_id,
                category=category,
                description=description,
                building_id=building,
                spot="",
                reporter_id=reporter,
                status="resolved" if closed else "whistled",
                reply="",
                merged_into_id=None,
                whistle_id=whistle_id,
                created=reported,
            )
            steps = [("", "submitted", reporter, "", reported), ("submitted", "whistled", blower, title, created)]
            if closed:
                steps.append(("whistled", "resolved", blower, summary, closed_at))
            for before, after, actor, note, at in steps:
                tables["report_transitions"].add(
                    report_id=report_id, from_status=before, to_status=after, actor_id=actor, note=note, created=at
                )

        # The units (and sometimes a team) called; who reported in, who is done.
        callers = [("unit", unit) for unit in rng.sample(self.units, min(len(self.units), rng.randint(1, 2)))]
        if rng.random() < 0.3:
            callers.append(("team", rng.choice(self.teams)))
        first_report_in = None
        for position, (kind, caller) in enumerate(callers):
            call_id = next(self.call_ids)
            answered = closed or (status == Whistle.Status.IN_PROGRESS and position == 0)
            reported_in = created + timedelta(hours=rng.randint(1, 20)) if answered else None
            member = None
            if answered:
                member = rng.choice(
                    self.members_of_unit[caller] if kind == "unit" else self.leaders[caller] or [self.staff]
                )
                if first_report_in is None or reported_in < first_report_in[0]:
                    first_report_in = (reported_in, member)
            done = closed_at - timedelta(hours=rng.randint(1, 12)) if closed else None
            reminded = report_in_by + timedelta(minutes=10)  # the job's reminder to a unit that did not report in
            people = rng.randint(2, 10) if answered else None
            tables["calls"].add(
                id=call_id,
                whistle_id=whistle_id,
                unit_id=caller if kind == "unit" else None,
                team_id=caller if kind == "team" else None,
                status="done" if done else "reported" if answered else "called",
                called_at=created,
                reported_in_at=reported_in,
                reported_in_by_id=member,
                people=people,
                done_at=done,
                overdue_notified_at=reminded if not answered and reminded < now else None,
            )
            if answered:
                tables["updates"].add(
                    call_id=call_id, author_id=member, text=f"已报到，{people} 人前往处理。", created=reported_in
                )
        if first_report_in:
            at, member = first_report_in
            tables["transitions"].add(
                whistle_id=whistle_id,
                from_status="called",
                to_status="in_progress",
                actor_id=member,
                note="",
                created=at,
            )
        if closed:
            tables["transitions"].add(
                whistle_id=whistle_id,
                from_status="in_progress",
                to_status="closed",
                actor_id=blower,
                note=summary,
                created=closed_at,
            )
            for reporter in reporters:
                unhappy = status == Whistle.Status.REOPENED and reporter == reporters[0]
                if not unhappy and rng.random() < 0.3:
                    continue  # not every resident rates
                rated = closed_at + timedelta(hours=rng.randint(1, 48))
                score = "unsatisfied" if unhappy else rng.choice(["satisfied", "satisfied", "satisfied", "basic"])
                tables["ratings"].add(whistle_id=whistle_id, rater_id=reporter, score=score, comment="", created=rated)
                if unhappy:
                    tables["transitions"].add(
                        whistle_id=whistle_id,
                        from_status="closed",
                        to_status="reopened",
                        actor_id=reporter,
                        note="居民不满意",
                        created=rated,
                    )
        return report_ids[0]

    def _reports_without_whistle(self, tables, first_reports):
        """Reports that staff replied to, merged into a whistled report, or have not handled yet."""
        rng, now = self.rng, self.now
        for _ in range(self.sizes.reports):
            report_id = next(self.report_ids)
            category, _problem, description = rng.choice(text.PROBLEMS)
            reporter = rng.choice(self.residents)
            roll = rng.random()
            status, reply, merged_into, whistle = "submitted", "", None, None
            if roll < 0.1:
                reported = self.when(now - timedelta(days=5))
            else:
                reported = self.when(end=now - timedelta(days=1))
                if roll < 0.7:
                    status, reply = "closed", "已转交物业处理，感谢您的反映。"
                else:
                    status = "merged"
                    merged_into, whistle = rng.choice(first_reports)
            tables["reports"].add(
                id=report_id,
                category=category,
                description=description,
                building_id=rng.choice(self.buildings),
                spot="",
                reporter_id=reporter,
                status=status,
                reply=reply,
                merged_into_id=merged_into,
                whistle_id=whistle,
                created=reported,
            )
            tables["report_transitions"].add(
                report_id=report_id, from_status="", to_status="submitted", actor_id=reporter, note="", created=reported
            )
            if status != "submitted":
                tables["report_transitions"].add(
                    report_id=report_id,
                    from_status="submitted",
                    to_status=status,
                    actor_id=rng.choice(self.reviewers),
                    note=reply or str(merged_into),
                    created=reported + timedelta(hours=5),
                )

    # Notifications ---------------------------------------------------------------------------------------------

    def notifications(self):
        """Inbox messages, mostly read; e-mails already sent (the outbox job finds nothing pending)."""
        rng, now = self.rng, self.now
        notifications = Table(
            Notification, "recipient_id", "title", "url", "created", "read_at", "email_status", "email_attempts"
        )
        recipients = self.residents + self.volunteer_users
        titles = [
            "您的心愿已通过审核，发布到了心愿墙。",
            "您已加入服务队。",
            "社区答复了您反映的问题",
            "活动提醒：明天上午九点在社区活动室集合",
        ]

        def rows():
            for _ in range(self.sizes.notifications):
                recipient = rng.choice(recipients)
                created = self.when(now - timedelta(days=180))
                read_at = created + timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.85 else None
                emailed = bool(self.emails[recipient])
                yield notifications.row(
                    recipient_id=recipient,
                    title=rng.choice(titles),
                    url="/me/",
                    created=created,
                    read_at=read_at if read_at and read_at < now else None,
                    email_status=Notification.Email.SENT if emailed else Notification.Email.NONE,
                    email_attempts=int(emailed),
                )
            for n in range(3):  # the resident the benchmark signs in as has a few unread ones, as people do
                yield notifications.row(
                    recipient_id=self.resident,
                    title=titles[n],
                    url="/me/",
                    created=now - timedelta(hours=n + 1),
                    read_at=None,
                    email_status=Notification.Email.SENT,
                    email_attempts=1,
                )

        self.write(notifications, rows())


class WishStory:
    """One wish's life from submission to its ``status``: the wish row, its claims and its transitions.

    Each event follows the previous one by a few hours or days, in the order
    the lifecycle (wishes/models.py) allows. The stories that end in an open
    state are recent, so that no live claim is older than
    WISH_CLAIM_EXPIRY_DAYS and no fulfilment older than WISH_AUTO_CONFIRM_DAYS.
    """

    # When the submission was, in days ago (from, to), so that the story fits before now.
    WINDOWS = {
        Wish.Status.SUBMITTED: (6, 0.05),
        Wish.Status.CLAIMED: (9, 6),
        Wish.Status.FULFILLED: (14, 11),
    }

    @staticmethod
    def tables():
        return {
            "wishes": Table(
                Wish,
                *("id", "title", "description", "category", "needed_by", "building_id", "owner_id", "resident_name"),
                *("entered_by_id", "consent_note", "health_consent", "contact_phone", "contact_address"),
                *("contact_erased_at", "status", "live_claim_id", "fulfil_note", "thanks", "created", "updated"),
                *("published_at", "fulfilled_at", "confirmed_at", "finished_at", "search_text"),
            ),
            "claims": Table(
                WishClaim, "id", "wish_id", "claimant_id", "unit_id", "created", "ended_at", "end_reason", "note"
            ),
            "transitions": Table(WishTransition, "wish_id", "from_status", "to_status", "actor_id", "note", "created"),
        }

    def __init__(self, seeder, tables, claim_ids, wish_id, status, wish_text):
        self.seeder, self.tables, self.claim_ids = seeder, tables, claim_ids
        self.wish_id, self.status = wish_id, status
        self.category, self.title, self.description, self.search_text = wish_text
        self.owner = None  # chosen by the seeder for open wishes (the per-resident limit)
        self.live_claimant = None  # chosen by the seeder for claimed wishes (the per-claimant limit)

    def write(self):
        s, rng, now, status = self.seeder, self.seeder.rng, self.seeder.now, self.status
        days_from, days_to = self.WINDOWS.get(status, (HISTORY_DAYS, 25))
        created = s.when(now - timedelta(days=days_from), now - timedelta(days=days_to))
        self.t = created
        on_behalf = rng.random() < 0.1  # entered by staff for a resident without an account (代录)
        owner = None if on_behalf else self.owner or rng.choice(s.residents)
        reviewer = rng.choice(s.reviewers)
        submitter = reviewer if on_behalf else owner
        self.move("", Wish.Status.SUBMITTED, submitter)
        published_at = fulfilled_at = confirmed_at = finished_at = live_claim = None
        fulfil_note = thanks = ""

        if status == Wish.Status.REJECTED:
            finished_at = self.move(Wish.Status.SUBMITTED, status, reviewer, "信息不完整，请补充后重新提交", within=48)
        elif status == Wish.Status.WITHDRAWN and rng.random() < 0.5:
            finished_at = self.move(Wish.Status.SUBMITTED, status, submitter, "已自行解决", within=48)
        elif status != Wish.Status.SUBMITTED:
            published_at = self.move(Wish.Status.SUBMITTED, Wish.Status.PUBLISHED, reviewer, within=48)
            if status in (Wish.Status.PUBLISHED, Wish.Status.CONFIRMED) and rng.random() < 0.1:
                claimant, unit = s.any_claimant()  # an earlier claim, given back
                claimed = self.move(Wish.Status.PUBLISHED, Wish.Status.CLAIMED, claimant, within=72)
                released = self.move(
                    Wish.Status.CLAIMED, Wish.Status.PUBLISHED, claimant, "临时有事，无法前往", within=72
                )
                self.claim(claimant, unit, claimed, ended=(released, WishClaim.End.RELEASED, "临时有事，无法前往"))
            if status in (Wish.Status.CLAIMED, Wish.Status.FULFILLED, Wish.Status.CONFIRMED):
                claimant, unit = self.live_claimant or s.any_claimant()
                if status == Wish.Status.CLAIMED:
                    self.t = max(self.t, now - timedelta(days=settings.WISH_CLAIM_EXPIRY_DAYS - 1))
                live_claim = self.claim(
                    claimant, unit, self.move(Wish.Status.PUBLISHED, Wish.Status.CLAIMED, claimant, within=72)
                )
                if status != Wish.Status.CLAIMED:
                    if status == Wish.Status.FULFILLED:
                        self.t = max(self.t, now - timedelta(days=settings.WISH_AUTO_CONFIRM_DAYS - 1))
                    fulfil_note = "东西已经送到家里了。"
                    fulfilled_at = self.move(
                        Wish.Status.CLAIMED, Wish.Status.FULFILLED, claimant, fulfil_note, within=120
                    )
                if status == Wish.Status.CONFIRMED:
                    thanks = rng.choice(text.THANKS)
                    confirmed_at = finished_at = self.move(Wish.Status.FULFILLED, status, owner or reviewer, within=96)
            elif status == Wish.Status.WITHDRAWN:
                finished_at = self.move(Wish.Status.PUBLISHED, status, submitter, "已自行解决", within=96)
            elif status == Wish.Status.CLOSED:
                if rng.random() < 0.3:  # closed while claimed: the claim ends with it
                    claimant, unit = s.any_claimant()
                    claimed = self.move(Wish.Status.PUBLISHED, Wish.Status.CLAIMED, claimant, within=72)
                    finished_at = self.move(Wish.Status.CLAIMED, status, reviewer, "居民已搬走", within=240)
                    self.claim(claimant, unit, claimed, ended=(finished_at, WishClaim.End.CLOSED, "居民已搬走"))
                else:
                    finished_at = self.move(
                        Wish.Status.PUBLISHED, status, reviewer, "长期无人认领，已线下解决", within=240
                    )

        erased = finished_at is not None and finished_at < now - timedelta(days=settings.WISH_CONTACT_RETENTION_DAYS)
        building = rng.choice(s.buildings)
        self.tables["wishes"].add(
            id=self.wish_id,
            title=self.title,
            description=self.description,
            category=self.category,
            needed_by=(created + timedelta(days=rng.randint(7, 30))).date(),
            building_id=building,
            owner_id=owner,
            resident_name=text.display_name(rng) if on_behalf else "",
            entered_by_id=reviewer if on_behalf else None,
            consent_note="电话中同意登记" if on_behalf else "",
            health_consent=self.category == "health",
            contact_phone="" if erased else s.phone(),
            contact_address=""
            if erased
            else f"{s.building_names[building]}{rng.randint(1, 6)}单元{rng.randint(101, 702)}室",
            contact_erased_at=finished_at + timedelta(days=settings.WISH_CONTACT_RETENTION_DAYS) if erased else None,
            status=status,
            live_claim_id=live_claim,
            fulfil_note=fulfil_note,
            thanks=thanks,
            created=created,
            updated=self.t,
            published_at=published_at,
            fulfilled_at=fulfilled_at,
            confirmed_at=confirmed_at,
            finished_at=finished_at,
            search_text=self.search_text,
        )

    def move(self, before, after, actor, note="", *, within=0):
        """Record a transition a random number of hours (up to ``within``) after the previous event; return its time."""
        if within:
            self.t += timedelta(hours=self.seeder.rng.randint(1, within))
        self.tables["transitions"].add(
            wish_id=self.wish_id, from_status=before, to_status=after, actor_id=actor, note=note, created=self.t
        )
        return self.t

    def claim(self, claimant, unit, created, ended=None):
        claim_id = next(self.claim_ids)
        ended_at, reason, note = ended or (None, "", "")
        self.tables["claims"].add(
            id=claim_id,
            wish_id=self.wish_id,
            claimant_id=claimant,
            unit_id=unit,
            created=created,
            ended_at=ended_at,
            end_reason=reason,
            note=note,
        )
        return claim_id


# --- Entry points ----------------------------------------------------------------------------------------


def _no_statement_timeout():
    """Index builds and VACUUM take longer than the portal's statement timeout allows a page."""
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")


def seed(sizes=CITY, *, password, now=None, out=print):
    """Seed ``sizes`` into the default database in one transaction; returns the row counts written."""
    started = time.monotonic()
    _no_statement_timeout()
    counts = Seeder(sizes, password=password, now=now, out=out).run()
    _record_seeding(sizes, time.monotonic() - started, counts)
    return counts


def vacuum_analyze(out=print):
    """Set the visibility map and the planner's statistics, as a maintained production database has them."""
    started = time.monotonic()
    _no_statement_timeout()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    out(f"  VACUUM (ANALYZE): {time.monotonic() - started:.1f} s")
