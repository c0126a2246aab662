"""Where an app adds to the pages and actions of another, without that one importing it.

Some pages gather what several apps hold: the home page, each person's 我的,
a team's page (the wishes its members fulfilled), the download of one's
personal data. The app that owns the page declares a ``Slot``; the apps above
it add their entries in their own ``contributions.py``, which start-up imports
(``discover``, called from community.apps), the way periodic jobs live in each
app's ``jobs.py``. The slots every app may fill are declared here; a feature
app declares the slots of its own pages in its ``contributions.py``.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from community.together import fetch_together


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

# Panels of a signed-in person's 我的 (subject: the user), rendered with the request (their forms carry CSRF tokens).
workbench = Slot("“我的”页面的各个部分")

# Personal data (个人信息保护法): each function gets the user. Exporters return {key: plain data} for the
# JSON download; erasers delete or anonymise what their app holds, inside the deletion's transaction.
personal_data_export = Slot("下载我的数据")
personal_data_erase = Slot("注销账号时删除的个人信息")


def export_time(moment):
    """A moment as the data download writes it: ISO 8601 in the community's time zone (or None)."""
    return timezone.localtime(moment).isoformat() if moment else None
