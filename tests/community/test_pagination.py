"""Numbered pages by position: the same pages, in the same order, as Django's OFFSET paginator."""

from datetime import timedelta

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils import timezone

from community.pagination import LongListPaginator, PositionPaginator
from news.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    now = timezone.now()
    # Ties on the publish time and a few pinned articles, so that the order needs every key.
    return [
        ArticleFactory(publish_at=now - timedelta(hours=i // 3), pinned=i % 7 == 0, title=f"第{i}篇") for i in range(40)
    ]


def listing():
    return Article.objects.published().order_by("-pinned", "-publish_at", "-id")


def test_every_page_holds_what_offset_paging_would_show(articles):
    expected, found = Paginator(listing(), 6), PositionPaginator(listing(), 6)
    for number in expected.page_range:
        assert [a.pk for a in found.page(number)] == [a.pk for a in expected.page(number)]
        assert (found.count, found.num_pages) == (40, 7)
        assert found.page(number).has_next() == (number < 7)


def test_a_page_past_the_end_or_not_a_number_is_refused(articles):
    with pytest.raises(EmptyPage):
        PositionPaginator(listing(), 6).page(8)
    with pytest.raises(PageNotAnInteger):
        PositionPaginator(listing(), 6).page("zwei")


def test_an_empty_list_has_one_empty_page():
    page = PositionPaginator(listing(), 6).page(1)
    assert (list(page), page.paginator.count) == ([], 0)
    assert list(PositionPaginator(Article.objects.none(), 6).page(1)) == []


class OnePageAhead(LongListPaginator):
    pages_counted_ahead = 1


def test_a_long_list_is_counted_only_a_few_pages_past_the_one_shown(articles):
    expected, found = Paginator(listing(), 6), OnePageAhead(listing(), 6)
    first = found.page(1)
    # 12 rows and a 13th, which says the list goes on: two pages known, the total unknown.
    assert (found.count, found.num_pages, found.more_beyond, first.has_next()) == (12, 2, True, True)
    for number in expected.page_range:
        paginator = OnePageAhead(listing(), 6)
        assert [a.pk for a in paginator.page(number)] == [a.pk for a in expected.page(number)]
    # Near the end the whole list is counted, and the last page knows it is the last.
    last = OnePageAhead(listing(), 6)
    assert (last.page(7).has_next(), last.count, last.num_pages, last.more_beyond) == (False, 40, 7, False)
