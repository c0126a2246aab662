"""Numbered pages that cost the same on page 500 as on page 1, in one query.

Django's Paginator counts the rows (one query), then asks for the page with
OFFSET, which reads and throws away every row before it: page 500 of a column
reads 7,500 articles. Here the rows' positions are numbered over the list's
keys alone (an index-only scan of a few narrow columns), the page's rows are
picked by position, and the total comes along as an uncorrelated subquery, so
that a page is one query however deep it is.
"""

from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger, Paginator
from django.db.models import F, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from community.together import count_of


class PositionPaginator(Paginator):
    """A Paginator for a queryset with a total ordering (its ``order_by`` must end with a unique field)."""

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
        total = count_of(rows)
        # The list's own filters are checked again on these few rows; the LIMIT above keeps the plan a
        # lookup by primary key.
        items = list(ordered.filter(pk__in=keys).annotate(_total=Subquery(total)))
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
