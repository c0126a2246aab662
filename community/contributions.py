"""Where an app adds to the pages and actions of another, without that one importing it.

Some pages gather what several apps hold: the home page, each person's 我的,
a team's page (the wishes its members fulfilled), the download of one's
personal data. The app that owns the page declares a ``Slot``; the apps above
it add their entries in their own ``contributions.py``, which start-up imports
(``discover``, called from community.apps), the way periodic jobs live in each
app's ``jobs.py``. The slots every app may fill are declared here; a feature
app declares the slots of its own pages in its ``contributions.py``.
"""

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from community.models import HOMES, NOTIFICATIONS, Home, Notification
from community.pagecache import cached, expect
from community.together import count_of, fetch_together


class Slot:
    """An ordered list of what apps contribute to one page or action."""

    def __init__(self, description):
        self.description = description
        self._entries = []
        self._sequence = itertools.count()

    def register(self, entry=None, *, order=100):
        """Add ``entry`` (a function or a ``Part``); usable as a decorator, with or without ``order``."""
        if entry is None:
            return lambda func: self.register(func, order=order)
        self._entries.append((getattr(entry, "order", order), next(self._sequence), entry))
        self._entries.sort(key=lambda item: item[:2])
        return entry

    def __iter__(self):
        return iter([entry for _order, _seq, entry in self._entries])

    def __repr__(self):
        return f"<Slot {self.description}: {len(self._entries)} entries>"


@dataclass(frozen=True)
class Part:
    """A piece of a page that another app contributes.

    ``rows(subject)`` gives the lists it needs as ``.values()`` querysets (or
    ``(sql, params)``), fetched in the same query as the page's own
    (community/together.py); ``context(rows, subject)`` turns them into the
    context of ``template``, or None to leave the part out; ``figures(rows,
    subject)`` adds [(label, value)] to the page's row of figures. ``section``
    is the page-cache section its rows belong to (community/sections.py).
    """

    name: str
    template: str = ""
    rows: Callable = lambda subject: {}
    context: Callable = lambda rows, subject: rows
    figures: Callable = lambda rows, subject: []
    section: str = ""
    order: int = 100


@dataclass
class Gathered:
    """What ``gather`` found: the page's own rows by name, each part's HTML and the parts' figures, in order."""

    rows: dict
    html: list
    figures: list


def gather(slot, subject, *, request=None, **own_lists):
    """The page's own lists and the rows of every part in ``slot``, in one query; then each part's HTML and figures.

    ``request`` renders the parts with it (for forms and their CSRF tokens);
    parts kept in the cache for everyone are rendered without.
    """
    parts = list(slot)
    lists, owners = dict(own_lists), {}
    for part in parts:
        for key, rows in part.rows(subject).items():
            alias = f"{part.name}_{key}"
            lists[alias] = rows
            owners[alias] = (part.name, key)
    found = fetch_together(**lists) if lists else {}
    rows_of = {part.name: {} for part in parts}
    for alias, (name, key) in owners.items():
        rows_of[name][key] = found[alias]
    html, figures = [], []
    for part in parts:
        figures.extend(part.figures(rows_of[part.name], subject))
        context = part.context(rows_of[part.name], subject) if part.template else None
        if context is not None:
            html.append(render_to_string(part.template, context, request=request))
    return Gathered(rows={name: found[name] for name in own_lists}, html=html, figures=figures)


def discover():
    """Import every app's ``contributions.py`` (once, at start-up)."""
    autodiscover_modules("contributions")


# --- Slots every app may fill ------------------------------------------------------------


@dataclass(frozen=True)
class ServiceLine:
    """One thing a person did for the community in a year: a wish fulfilled, an activity attended (with its
    hours), a whistle answered. A party member's yearly record and the 双报到 feedback sheet list them."""

    kind: str
    day: object  # a date, in the community's time zone
    title: str
    hours: object = None  # Decimal hours credited, where the thing credits hours
    url: str = ""


# A person's service in a year (subject: (user, year)): each entry returns a list of ServiceLine.
service_record = Slot("一个人一年的服务记录")

# The kinds of ServiceLine the apps contribute, as the yearly totals count them.
WISH, ACTIVITY, HOURS, WHISTLE = "wish", "activity", "hours", "whistle"


def year_bounds(year):
    """The first moment of ``year`` and of the next, in the community's time zone (Asia/Shanghai)."""
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def service_of(user, year):
    """Everything ``user`` did for the community in ``year`` (every app's ``service_record`` lines), by day."""
    lines = [line for entry in service_record for line in entry((user, year))]
    return sorted(lines, key=lambda line: (line.day, line.kind, line.title))


@dataclass(frozen=True)
class ServiceTotals:
    """A year of service in four numbers: wishes fulfilled, activities attended, hours, whistles answered."""

    wishes: int
    activities: int
    hours: Decimal
    whistles: int


def service_totals(lines):
    """The totals of ``lines``; a whistle answered with several updates counts once."""
    return ServiceTotals(
        wishes=sum(1 for line in lines if line.kind == WISH),
        activities=sum(1 for line in lines if line.kind == ACTIVITY),
        hours=sum((line.hours for line in lines if line.hours is not None), Decimal("0")),
        whistles=len({line.url for line in lines if line.kind == WHISTLE}),
    )


# Parts of the home page, below its figures (subject: None).
home_page = Slot("首页的栏目")


@dataclass(frozen=True)
class Figure:
    """One of the home page's figures for this year.

    ``rows(year_start)`` is a ``count_of``/``total_of`` list (community/together.py);
    ``show(n)`` writes the number as the page shows it.
    """

    name: str
    label: str
    rows: Callable
    section: str
    show: Callable = lambda n: n
    order: int = 100


home_figures = Slot("首页的年度数字")

# More people to phone on the staff call list (subject: the staff member looking), for those the portal must reach
# who have no account (a resident an app signed up by phone); each part lists them and records the views itself.
call_list = Slot("待电话通知名单的其他部分")

# Panels of a signed-in person's 我的 (subject: the user), rendered with the request (their forms carry CSRF tokens).
workbench = Slot("“我的”页面的各个部分")


def _title(row):
    return row["title"]


@dataclass(frozen=True, kw_only=True)
class Queue:
    """Something that waits for a person, at the top of their 我的 (workbench) and counted in the nav's badge.

    ``items(user)``: the waiting things as a queryset, most urgent or newest
    first, or None when the person has no such queue (not their role);
    ``staff_permission``: when set, only staff holding it have the queue;
    ``fields``: what an item shows, read with ``.values()``; ``describe(row)``:
    its line; ``link(row)``: where to act on it; ``url``: the page that lists
    them all. ``section``: the page-cache section whose changes move the count.
    """

    name: str
    label: str
    items: Callable
    link: Callable
    section: str
    staff_permission: str = ""
    fields: tuple = ("id", "title")
    describe: Callable = _title
    url: str = ""
    order: int = 100

    def items_for(self, user):
        if self.staff_permission and not (user.is_staff and user.has_perm(self.staff_permission)):
            return None
        return self.items(user)


workbench_queues = Slot("“我的”顶部：等着我处理的事")

# The nav's count is kept this long at most: some queues move with time alone (a deadline passing).
WAITING_SECONDS = 300


@dataclass
class Waiting:
    """One queue as a person sees it: how many things wait, the first few (text, link), the full list's address."""

    label: str
    count: int
    items: list
    url: str


def waiting_for(user, *, first=3):
    """What waits for ``user``: the queues of their roles that hold something, most urgent first (one query)."""
    applicable = [(queue, items) for queue in workbench_queues if (items := queue.items_for(user)) is not None]
    lists = {}
    for queue, items in applicable:
        lists[f"{queue.name}_n"] = count_of(items)
        if first:
            lists[f"{queue.name}_first"] = items.values(*queue.fields)[:first]
    found = fetch_together(**lists) if lists else {}
    waiting = []
    for queue, _items in applicable:
        count = found[f"{queue.name}_n"][0]["n"] if found[f"{queue.name}_n"] else 0
        if count:
            rows = found.get(f"{queue.name}_first", [])
            waiting.append(
                Waiting(
                    label=queue.label,
                    count=count,
                    items=[(queue.describe(row), queue.link(row)) for row in rows],
                    url=reverse(queue.url) if queue.url else "",
                )
            )
    return waiting


def _waiting_key(user):
    """The kept queues' cache key and sections: per person and role (a new role shows other queues)."""
    roles = (user.is_staff, user.is_superuser, sorted(user.get_all_permissions()))
    fingerprint = hashlib.sha256(repr(roles).encode()).hexdigest()[:16]
    return f"waiting-list:{user.pk}:{fingerprint}", tuple(dict.fromkeys(queue.section for queue in workbench_queues))


def kept_waiting_for(user):
    """``waiting_for(user)`` as 我的 shows it, kept until one of the queues changes (or WAITING_SECONDS pass), per
    person and role: at city scale the staff's queues take a few hundred milliseconds to read."""
    key, sections = _waiting_key(user)
    return cached(key, sections, lambda: waiting_for(user), WAITING_SECONDS)


def waiting_total(user):
    """How many things wait for ``user`` (the nav's badge), from the same kept queues as 我的."""
    if not user.is_authenticated:
        return 0
    return sum(each.count for each in kept_waiting_for(user))


class WaitingCountMiddleware:
    """Every signed-in page shows the count: it is looked up with the page's first cache read, not on its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expect(*_waiting_key(user))


# Personal data (个人信息保护法): each function gets the user. Exporters return {key: plain data} for the
# JSON download; erasers delete or anonymise what their app holds, inside the deletion's transaction.
personal_data_export = Slot("下载我的数据")
personal_data_erase = Slot("注销账号时删除的个人信息")


def export_time(moment):
    """A moment as the data download writes it: ISO 8601 in the community's time zone (or None)."""
    return timezone.localtime(moment).isoformat() if moment else None


# --- The site's own queues on 我的 -----------------------------------------------------------------

workbench_queues.register(
    Queue(
        name="people_to_phone",
        label=_("待电话通知的居民"),
        staff_permission="community.call_residents",
        items=lambda user: Notification.objects.needing_a_call(),
        fields=("id", "recipient__display_name", "title"),
        describe=lambda row: f"{row['recipient__display_name']}：{row['title']}",
        link=lambda row: reverse("call_list"),
        url="call_list",
        section=NOTIFICATIONS,
        order=35,
    )
)
workbench_queues.register(
    Queue(
        name="homes_to_confirm",
        label=_("等我确认的住址"),
        items=lambda user: Home.objects.waiting_for(user).order_by("updated") if user.is_staff else None,
        fields=("id", "resident__display_name", "building__name"),
        describe=lambda row: f"{row['resident__display_name']} · {row['building__name']}",
        link=lambda row: reverse("homes_to_confirm"),
        url="homes_to_confirm",
        section=HOMES,
        order=32,
    )
)
