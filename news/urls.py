from django.urls import path

from community.ratelimit import rate_limited
from news import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.NewsIndexView.as_view(), name="index"),
    path("search/", rate_limited("search", methods=("GET",))(views.SearchView.as_view()), name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("column/<slug:slug>/", views.ColumnView.as_view(), name="column"),
    path("column/<slug:slug>/feed/", feeds.ColumnFeed(), name="column_feed"),
    path("<int:pk>/", views.ArticleView.as_view(), name="article"),
    path("<int:pk>/qr.svg", views.article_qr, name="qr"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("editor/photos/", views.editor_photo_picker, name="editor_photos"),
]
