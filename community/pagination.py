"""Numbered pages that cost the same on page 500 as on page 1, in one query.

Django's Paginator counts the rows (one query), then asks for the page with
OFFSET, which reads and throws away every row before it: page 500 of a column
reads 7,500 articles. Here the rows' positions are numbered over the list's
keys alone (an index-only scan of a few narrow columns), the page's rows are
picked by position, and the total comes along as an uncorrelated subquery, so
that a page is one query however deep it is.

A long list (a column of 80,000 articles) is not counted to its end: counting
reads every row's key, tens of milliseconds on each build of page 1, for a
page number nobody goes to. ``LongListPaginator`` counts only up to ten pages
past the one shown, so that reading the list stays proportional to how deep
the visitor is; beyond that the page says "第 3 页" without a total.
"""

from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger, Paginator
from django.db.models import F, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from community.together import count_of


class PositionPaginator(Paginator):
    """A Paginator for a queryset with a total ordering (its ``order_by`` must end with a unique field)."""

    # How many pages past the one shown are counted; None: the whole list.
    pages_counted_ahead = None
    # Whether the list goes on past what was counted (then ``count`` and ``num_pages`` are what is known).
    more_beyond = False

    def page(self, number):
        number = self._first_valid(number)
        ordered = self.object_list
        if ordered.query.is_empty():  # .none(): nothing to number
            if number > 1:
                raise EmptyPage(_("该页不存在"))
            self.count = 0
            return self._get_page([], number, self)
        ordering = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in ordered.query.order_by]
        if not ordering:
            raise ValueError("PositionPaginator needs an ordered queryset.")
        rows = ordered.order_by()
        start = (number - 1) * self.per_page
        keys = (
            rows.annotate(_position=Window(RowNumber(), order_by=ordering))
            .filter(_position__gt=start, _position__lte=start + self.per_page)
            .values("pk")[: self.per_page]  # the LIMIT tells the planner it is a handful of rows
        )
        counted, bound = rows, None
        if self.pages_counted_ahead is not None:
            # One row past the bound tells that the list goes on.
            bound = start + self.per_page * (self.pages_counted_ahead + 1) + 1
            counted = ordered.model._default_manager.filter(pk__in=rows.values("pk")[:bound])
        total = count_of(counted)
        # The list's own filters are checked again on these few rows; the LIMIT above keeps the plan a
        # lookup by primary key.
        items = list(ordered.filter(pk__in=keys).annotate(_total=Subquery(total)))
        if items:
            self.count = items[0]._total
            if self.count == bound:
                self.count, self.more_beyond = bound - 1, True
        elif number == 1:
            self.count = 0
        else:
            raise EmptyPage(_("该页不存在"))
        return self._get_page(items, number, self)

    def _first_valid(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(_("页码不是整数")) from error
        if number < 1:
            raise InvalidPage(_("页码小于 1"))
        return number


class LongListPaginator(PositionPaginator):
    """For lists that grow without end (a column's articles): counted only ten pages past the one shown."""

    pages_counted_ahead = 10
