"""RSS feeds: all news, and one per column."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from news.models import Article, Column

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    def title(self):
        return _("%(community)s · 新闻动态") % {"community": settings.COMMUNITY_NAME}

    def link(self):
        return "/news/"

    def description(self):
        return _("%(community)s的最新新闻") % {"community": settings.COMMUNITY_NAME}

    def items(self):
        return Article.objects.published().for_lists().newest_first()[:FEED_SIZE]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary or article.title

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.updated

    def item_categories(self, article):
        return [article.column.name]


class ColumnFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Column, slug=slug)

    def title(self, column):
        return _("%(community)s · %(column)s") % {"community": settings.COMMUNITY_NAME, "column": column.name}

    def link(self, column):
        return column.get_absolute_url()

    def description(self, column):
        return column.description or column.name

    def items(self, column):
        return Article.objects.published().in_column(column).for_lists().newest_first()[:FEED_SIZE]
