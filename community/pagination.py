"""Numbered pages that cost the same on page 500 as on page 1, in one query.

Django's Paginator counts the rows (one query), then asks for the page with
OFFSET, which reads and throws away every row before it: page 500 of a column
reads 7,500 articles. Here the rows' positions are numbered over the list's
keys alone (an index-only scan of a few narrow columns), the page's rows are
picked by position, and the total comes along as an uncorrelated subquery, so
that a page is one query however deep it is.
"""

from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger, Paginator
from django.db.models import Count, F, Subquery, Value, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _


class PositionPaginator(Paginator):
    """A Paginator for a queryset with a total ordering (its ``order_by`` must end with a unique field)."""

    def page(self, number):
        number = self._first_valid(number)
        ordered = self.object_list
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
        total = rows.annotate(_all=Value(1)).values("_all").annotate(_count=Count("pk")).values("_count")
        # The page's rows by primary key only: the list's filters were applied to the keys already.
        page_rows = ordered.model._default_manager.all()
        page_rows.query.select_related = ordered.query.select_related
        page_rows.query.deferred_loading = ordered.query.deferred_loading
        page_rows = page_rows.prefetch_related(*ordered._prefetch_related_lookups)
        items = list(page_rows.filter(pk__in=keys).annotate(_total=Subquery(total)).order_by(*ordered.query.order_by))
        if items:
            self.count = items[0]._total
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
