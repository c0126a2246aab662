from django.contrib.sitemaps import Sitemap

from news.models import Article, Column


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10_000

    def items(self):
        return Article.objects.published().only("id", "updated").order_by("-id")

    def lastmod(self, article):
        return article.updated


class ColumnSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Column.objects.all()
