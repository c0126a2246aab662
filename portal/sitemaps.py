from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PageSitemap(Sitemap):
    """The site's fixed public pages."""

    changefreq = "daily"

    def items(self):
        return ["home", "news:index", "places:index", "about", "privacy"]

    def location(self, name):
        return reverse(name)
