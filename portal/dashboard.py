"""The staff dashboard: how the community is doing, computed by PostgreSQL for a date range.

Every figure is an aggregate query (GROUP BY, COUNT … FILTER, percentile_cont);
no wish, hour or article rows are loaded into Python. The dashboard runs a
small fixed number of queries however much data there is.

The words keep the meaning their apps give them: "fulfilled" is
``wishes.models.FULFILLED_STATUSES``, "approved" is ``Volunteer.Status.APPROVED``,
a unit's response figures are ``whistles.models.responsiveness_query``, a
published article is ``Article.objects.published()``. The SQL here is fed
those definitions; it restates none of them.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from community.models import HOMES, PARTY
from community.pagecache import cached
from community.together import dict_rows
from news.models import SECTION as NEWS
from news.models import Article
from party.models import SECTION as PARTY_DAYS
from volunteers.models import SECTION as VOLUNTEERS
from volunteers.models import Activity, Volunteer
from whistles.models import REPORTS_SECTION, ProblemReport, Rating, Whistle, responsiveness_query
from whistles.models import SECTION as WHISTLES
from whistles.models import Category as ProblemCategory
from wishes.models import FULFILLED_STATUSES, Wish
from wishes.models import SECTION as WISHES

FULFILLED = [str(status) for status in FULFILLED_STATUSES]

# Everything the dashboard counts: a change to any of them builds it again.
SECTIONS = (WISHES, VOLUNTEERS, WHISTLES, REPORTS_SECTION, NEWS, PARTY, PARTY_DAYS, HOMES)
# Article reads are counted without moving a section, and a wish's days to do move with time: kept this long at most.
KEPT_SECONDS = 300


@dataclass(frozen=True)
class Period:
    """[start, end) in Asia/Shanghai, as aware datetimes, with the dates for display."""

    first_day: date
    last_day: date

    @property
    def start(self):
        return timezone.make_aware(datetime.combine(self.first_day, time.min))

    @property
    def end(self):
        return timezone.make_aware(datetime.combine(self.last_day + timedelta(days=1), time.min))

    @classmethod
    def preset(cls, name, today=None):
        today = today or timezone.localdate()
        month_start = today.replace(day=1)
        if name == "last_month":
            last_month_end = month_start - timedelta(days=1)
            return cls(last_month_end.replace(day=1), last_month_end)
        if name == "this_year":
            return cls(today.replace(month=1, day=1), today)
        return cls(month_start, today)


def wish_events(period):
    """How many wishes were submitted, published, claimed, fulfilled and confirmed, by month and category.

    One query: each event is a timestamp column (claims come from their own
    table), unioned and grouped by event, month and category.
    """
    sql = """
        WITH events AS (
            SELECT 'submitted' AS event, created AS at, category FROM wishes_wish
            UNION ALL SELECT 'published', published_at, category FROM wishes_wish WHERE published_at IS NOT NULL
            UNION ALL SELECT 'claimed', c.created, w.category FROM wishes_wishclaim c JOIN wishes_wish w ON w.id = c.wish_id
            UNION ALL SELECT 'fulfilled', fulfilled_at, category FROM wishes_wish
                       WHERE fulfilled_at IS NOT NULL AND status = ANY(%s)
            UNION ALL SELECT 'confirmed', confirmed_at, category FROM wishes_wish WHERE confirmed_at IS NOT NULL
        )
        SELECT event, to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, category, COUNT(*) AS n
        FROM events WHERE at >= %s AND at < %s
        GROUP BY event, month, category
    """
    return dict_rows(sql, [FULFILLED, period.start, period.end])


def wish_medians(period):
    """Median hours from publishing to claiming, and from claiming to fulfilling (claims made in the period)."""
    sql = """
        SELECT
          percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM c.created - w.published_at) / 3600)
            AS publish_to_claim,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM w.fulfilled_at - c.created) / 3600)
            FILTER (WHERE w.status = ANY(%s) AND c.ended_at IS NULL) AS claim_to_fulfil
        FROM wishes_wishclaim c JOIN wishes_wish w ON w.id = c.wish_id
        WHERE c.created >= %s AND c.created < %s AND w.published_at IS NOT NULL
    """
    return dict_rows(sql, [FULFILLED, period.start, period.end])[0]


def wish_todo(now=None, limit=20):
    """Wishes that need staff (``Wish.objects.needing_staff``), oldest first."""
    fields = ("pk", "title", "status", "created", "published_at")
    return list(Wish.objects.needing_staff(now, limit=limit, fields=fields))


def volunteer_figures(period):
    """New and active volunteers, hours by team and by month, top activities by attendance (three queries)."""
    counts = dict_rows(
        """
        SELECT
          (SELECT COUNT(*) FROM volunteers_volunteer
            WHERE status = %(approved)s AND decided_at >= %(start)s AND decided_at < %(end)s) AS new_volunteers,
          (SELECT COUNT(*) FROM (
              SELECT v.user_id FROM volunteers_volunteer v WHERE v.id IN (
                SELECT h.volunteer_id FROM volunteers_servicehourrecord h
                 WHERE h.served_on >= %(first)s AND h.served_on <= %(last)s AND h.kind = 'attendance')
              UNION
              SELECT c.claimant_id FROM wishes_wishclaim c JOIN wishes_wish w ON w.id = c.wish_id
               WHERE c.ended_at IS NULL AND c.unit_id IS NULL AND w.status = ANY(%(fulfilled)s)
                 AND w.fulfilled_at >= %(start)s AND w.fulfilled_at < %(end)s
          ) active) AS active_volunteers,
          (SELECT COALESCE(SUM(hours), 0) FROM volunteers_servicehourrecord
            WHERE served_on >= %(first)s AND served_on <= %(last)s) AS hours
        """,
        {
            "start": period.start,
            "end": period.end,
            "first": period.first_day,
            "last": period.last_day,
            "approved": Volunteer.Status.APPROVED.value,
            "fulfilled": FULFILLED,
        },
    )[0]
    hours = dict_rows(
        """
        SELECT t.name AS team, to_char(h.month, 'YYYY-MM') AS month, SUM(h.hours) AS hours
        FROM (
          -- Summed per activity first: a few thousand rows to join instead of every record.
          SELECT activity_id, date_trunc('month', served_on) AS month, SUM(hours) AS hours
          FROM volunteers_servicehourrecord
          WHERE served_on >= %s AND served_on <= %s AND activity_id IS NOT NULL
          GROUP BY activity_id, month
        ) h
        JOIN volunteers_activity a ON a.id = h.activity_id JOIN volunteers_team t ON t.id = a.team_id
        GROUP BY t.name, h.month
        """,
        [period.first_day, period.last_day],
    )
    top = dict_rows(
        """
        SELECT a.id, a.title, t.name AS team, a.starts_at, n.attended
        FROM volunteers_activity a
        JOIN volunteers_team t ON t.id = a.team_id
        -- Counted per activity from the signup_attended index alone.
        CROSS JOIN LATERAL (
          SELECT COUNT(*) AS attended FROM volunteers_signup s WHERE s.activity_id = a.id AND s.attended
        ) n
        WHERE a.starts_at >= %s AND a.starts_at < %s AND n.attended > 0
        ORDER BY n.attended DESC, a.starts_at DESC LIMIT 10
        """,
        [period.start, period.end],
    )
    return counts, hours, top


def unit_figures(period):
    """Per partner unit: how it answered the whistle (``responsiveness_query``) and the wishes it fulfilled.

    One query; every unit is listed, also one with nothing in the period.
    "Fulfilled for a unit": its member's live claim, the wish in FULFILLED_STATUSES.
    """
    sql, params = responsiveness_query(start=period.start, end=period.end)
    return dict_rows(
        f"""
        SELECT r.*, (
            SELECT COUNT(*) FROM wishes_wishclaim c JOIN wishes_wish w ON w.id = c.wish_id
             WHERE c.unit_id = r.unit_id AND c.ended_at IS NULL AND w.status = ANY(%s)
               AND w.fulfilled_at >= %s AND w.fulfilled_at < %s
        ) AS wishes_fulfilled
        FROM ({sql}) r
        ORDER BY wishes_fulfilled DESC, r.answered DESC, r.name
        """,
        [FULFILLED, period.start, period.end, *params],
    )


def whistle_figures(period):
    """Reports and whistles by status and category, and ratings by score (one query)."""
    return dict_rows(
        """
        SELECT 'report' AS kind, status, category, COUNT(*) AS n FROM whistles_problemreport
         WHERE created >= %(start)s AND created < %(end)s GROUP BY status, category
        UNION ALL
        SELECT 'whistle', status, category, COUNT(*) FROM whistles_whistle
         WHERE created >= %(start)s AND created < %(end)s GROUP BY status, category
        UNION ALL
        SELECT 'rating', score, '', COUNT(*) FROM whistles_rating
         WHERE created >= %(start)s AND created < %(end)s GROUP BY score
        """,
        {"start": period.start, "end": period.end},
    )


def news_figures(period, now=None):
    """Articles published in the period and the ten most read (from the per-day read counts), one query.

    Published means ``Article.objects.published()``: published, and its time has come.
    """
    return dict_rows(
        """
        SELECT 0 AS id, '' AS title, (SELECT COUNT(*) FROM news_article
           WHERE status = %(published)s AND publish_at <= %(now)s
             AND publish_at >= %(start)s AND publish_at < %(end)s) AS reads
        UNION ALL
        (SELECT a.id, a.title, r.reads
          FROM (SELECT article_id, SUM(count) AS reads FROM news_articleread
                 WHERE day >= %(first)s AND day <= %(last)s GROUP BY article_id) r
          JOIN news_article a ON a.id = r.article_id
          WHERE a.status = %(published)s AND a.publish_at <= %(now)s
          ORDER BY r.reads DESC, a.id LIMIT 10)
        """,
        {
            "start": period.start,
            "end": period.end,
            "first": period.first_day,
            "last": period.last_day,
            "published": Article.Status.PUBLISHED.value,
            "now": now or timezone.now(),
        },
    )


def grid_figures(period):
    """Per grid (网格), in one query: wishes submitted, problem reports and whistles in its buildings, events its
    party branch hosted and party days held (``PartyDay.state``: a summary recorded or someone checked in), in the
    period; and residents whose home in the grid is confirmed (today). Every grid is listed, also an empty one."""
    return dict_rows(
        """
        WITH wishes AS (
          SELECT b.grid_id, COUNT(*) AS n FROM wishes_wish w JOIN community_building b ON b.id = w.building_id
          WHERE w.created >= %(start)s AND w.created < %(end)s GROUP BY b.grid_id
        ), reports AS (
          SELECT b.grid_id, COUNT(*) AS n FROM whistles_problemreport r JOIN community_building b ON b.id = r.building_id
          WHERE r.created >= %(start)s AND r.created < %(end)s GROUP BY b.grid_id
        ), whistles AS (
          SELECT b.grid_id, COUNT(*) AS n FROM whistles_whistle h JOIN community_building b ON b.id = h.building_id
          WHERE h.created >= %(start)s AND h.created < %(end)s GROUP BY b.grid_id
        ), events AS (
          SELECT pb.grid_id, COUNT(*) AS n FROM volunteers_activity a JOIN community_partybranch pb ON pb.id = a.branch_id
          WHERE a.status <> %(cancelled)s AND a.starts_at >= %(start)s AND a.starts_at < %(end)s GROUP BY pb.grid_id
        ), party_days AS (
          SELECT pb.grid_id, COUNT(*) AS n FROM party_partyday d
            JOIN volunteers_activity a ON a.id = d.activity_id JOIN community_partybranch pb ON pb.id = a.branch_id
          WHERE a.status <> %(cancelled)s AND a.starts_at >= %(start)s AND a.starts_at < %(end)s
            AND (d.summary_at IS NOT NULL OR (a.ends_at < %(now)s AND EXISTS (
                  SELECT 1 FROM volunteers_signup s WHERE s.activity_id = a.id AND s.attended)))
          GROUP BY pb.grid_id
        ), homes AS (
          SELECT b.grid_id, COUNT(*) AS n FROM community_home m JOIN community_building b ON b.id = m.building_id
          WHERE m.confirmed_at IS NOT NULL GROUP BY b.grid_id
        )
        -- Each list is read once and counted by grid (not once per grid).
        SELECT g.id, g.name,
          COALESCE(wishes.n, 0) AS wishes, COALESCE(reports.n, 0) AS reports, COALESCE(whistles.n, 0) AS whistles,
          COALESCE(events.n, 0) AS branch_events, COALESCE(party_days.n, 0) AS party_days_held,
          COALESCE(homes.n, 0) AS confirmed_homes
        FROM community_grid g
          LEFT JOIN wishes ON wishes.grid_id = g.id LEFT JOIN reports ON reports.grid_id = g.id
          LEFT JOIN whistles ON whistles.grid_id = g.id LEFT JOIN events ON events.grid_id = g.id
          LEFT JOIN party_days ON party_days.grid_id = g.id LEFT JOIN homes ON homes.grid_id = g.id
        ORDER BY g."order", g.name
        """,
        {
            "start": period.start,
            "end": period.end,
            "now": timezone.now(),
            "cancelled": Activity.Status.CANCELLED.value,
        },
    )


def chart(rows, *, label="label", value="value"):
    """Rows for a horizontal bar chart: label, value and the bar's width in percent of the largest."""
    peak = max((float(row[value] or 0) for row in rows), default=0) or 1
    return [
        {"label": row[label], "value": row[value] or 0, "percent": round(float(row[value] or 0) * 100 / peak, 1)}
        for row in rows
    ]


def kept_dashboard(period):
    """``dashboard(period)``, kept until something it counts changes (KEPT_SECONDS at most): a year of a city's
    wishes, hours and whistles takes PostgreSQL more than a second to add up."""
    key = f"dashboard:{period.start.isoformat()}:{period.end.isoformat()}"
    return cached(key, SECTIONS, lambda: dashboard(period), KEPT_SECONDS)


def dashboard(period, now=None):
    """Everything the staff dashboard shows, assembled from the aggregate queries above."""
    events = wish_events(period)
    totals = {name: 0 for name in ("submitted", "published", "claimed", "fulfilled", "confirmed")}
    by_month, by_category = {}, {}
    for row in events:
        totals[row["event"]] += row["n"]
        by_month.setdefault(row["month"], dict.fromkeys(totals, 0))[row["event"]] += row["n"]
        by_category.setdefault(row["category"], dict.fromkeys(totals, 0))[row["event"]] += row["n"]
    category_names = dict(Wish.Category.choices)
    volunteer_counts, hours_rows, top_activities = volunteer_figures(period)
    hours_by_team, hours_by_month = {}, {}
    for row in hours_rows:
        hours_by_team[row["team"]] = hours_by_team.get(row["team"], 0) + row["hours"]
        hours_by_month[row["month"]] = hours_by_month.get(row["month"], 0) + row["hours"]
    whistle_rows = whistle_figures(period)
    report_status = dict(ProblemReport.Status.choices)
    whistle_status = dict(Whistle.Status.choices)
    categories = dict(ProblemCategory.choices)
    scores = dict(Rating.Score.choices)

    def grouped(kind, key, names):
        counts = {}
        for row in whistle_rows:
            if row["kind"] == kind:
                counts[row[key]] = counts.get(row[key], 0) + row["n"]
        return [{"label": names.get(k, k), "value": v} for k, v in sorted(counts.items(), key=lambda kv: -kv[1])]

    news_rows = news_figures(period, now)
    return {
        "period": period,
        "wishes": {
            "totals": totals,
            "by_month": sorted(by_month.items()),
            "by_category": chart(
                [{"label": category_names.get(k, k), "value": v["submitted"]} for k, v in sorted(by_category.items())]
            ),
            "medians": wish_medians(period),
            "todo": wish_todo(now),
            "status_names": dict(Wish.Status.choices),
        },
        "volunteers": {
            "counts": volunteer_counts,
            "hours_by_team": chart(
                [{"label": k, "value": v} for k, v in sorted(hours_by_team.items(), key=lambda kv: -kv[1])]
            ),
            "hours_by_month": chart([{"label": k, "value": v} for k, v in sorted(hours_by_month.items())]),
            "top_activities": top_activities,
        },
        "units": unit_figures(period),
        "grids": grid_figures(period),
        "whistles": {
            "reports_by_status": chart(grouped("report", "status", report_status)),
            "reports_by_category": chart(grouped("report", "category", categories)),
            "whistles_by_status": chart(grouped("whistle", "status", whistle_status)),
            "ratings": chart(grouped("rating", "status", scores)),
        },
        "news": {"published": news_rows[0]["reads"], "top_read": news_rows[1:]},
    }
