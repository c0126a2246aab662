"""The portal's root URLconf: its own pages, the site's (community), each app's, sitemaps and the admin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.static import serve

from news.sitemaps import ArticleSitemap, ColumnSitemap
from portal import views
from portal.sitemaps import PageSitemap

sitemaps = {"pages": PageSitemap, "columns": ColumnSitemap, "articles": ArticleSitemap}

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/data.json", views.my_data, name="my_data"),
    path("me/delete/", views.DeleteAccountView.as_view(), name="delete_account"),
    path("grids/", views.GridListView.as_view(), name="grids"),
    path("grids/<int:pk>/", views.GridView.as_view(), name="grid"),
    path("staff/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    # Before the dashboard's exports: "party-members" is no kind of theirs.
    path("staff/export/party-members.<str:fmt>", views.export_party_members, name="export_party_members"),
    path("staff/export/<str:kind>.<str:fmt>", views.export, name="export"),
    path("", include("community.urls")),
    path("news/", include("news.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("wishes/", include("wishes.urls")),
    path("whistles/", include("whistles.urls")),
    path("lending/", include("lending.urls")),
    path("places/", include("places.urls")),
    path("party/", include("party.urls")),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": sitemaps}, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Development only; production serves media from the front web server.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler500 = "community.views.server_error"
