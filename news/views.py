"""News pages: the news index, column pages, article pages, search, sharing and the editor's photo picker."""

import io
import re

import segno
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from community import search
from community.images import store_upload
from community.models import Image
from community.pagecache import PAGE_NUMBER, KeptPage
from community.pages import PageMixin
from community.pagination import LongListPaginator, PositionPaginator
from news import reads
from news.forms import EditorPhotoForm, SearchForm
from news.models import ARTICLES_PER_PAGE, SECTION, Article, Column

# What a search may look like to be kept: at most 30 characters, no control characters.
SEARCH_WORDS = r"[^\x00-\x1f]{1,30}"


class NewsIndexView(PageMixin, ListView):
    """All published news, newest first (pinned first), with the column list."""

    template_name = "news/article_list.html"
    paginate_by = ARTICLES_PER_PAGE
    paginator_class = LongListPaginator
    title = _("新闻动态")
    kept_page = KeptPage(sections=(SECTION,), parameters={"page": PAGE_NUMBER})

    def get_queryset(self):
        return Article.objects.published().for_lists().order_by("-pinned", "-publish_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The whole (small, two-level) tree in one query.
        columns = list(Column.objects.all())
        for column in columns:
            column.subcolumns = [child for child in columns if child.parent_id == column.pk]
        context["columns"] = [column for column in columns if column.parent_id is None]
        context["search_form"] = SearchForm()
        return context


class ColumnView(PageMixin, ListView):
    """One column's articles (and those of the columns inside it), pinned first."""

    template_name = "news/column_detail.html"
    paginate_by = ARTICLES_PER_PAGE
    paginator_class = LongListPaginator
    kept_page = KeptPage(sections=(SECTION,), parameters={"page": PAGE_NUMBER})

    def get_queryset(self):
        # The column and the columns inside it, in one query.
        slug = self.kwargs["slug"]
        found = list(Column.objects.filter(Q(slug=slug) | Q(parent__slug=slug)).select_related("parent"))
        self.column = next((column for column in found if column.slug == slug), None)
        if self.column is None:
            raise Http404
        self.subcolumns = [column for column in found if column.parent_id == self.column.pk]
        articles = Article.objects.published().in_column(self.column, children=self.subcolumns)
        return articles.for_lists().order_by("-pinned", "-publish_at", "-id")

    def get_title(self):
        return self.column.name

    def get_breadcrumbs(self):
        crumbs = [(gettext("新闻动态"), reverse("news:index"))]
        crumbs += [(column.name, column.get_absolute_url()) for column in self.column.trail]
        return crumbs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["column"] = self.column
        context["subcolumns"] = self.subcolumns
        return context


class ArticleView(PageMixin, DetailView):
    """An article as residents read it: breadcrumb, time, source, body, neighbours, related, sharing.

    Drafts and scheduled articles are not found here, not even by staff (who
    use the preview). Every view is counted, without a write per view.
    """

    template_name = "news/article_detail.html"
    preview = False
    # A kept copy of the page still counts as a read.
    kept_page = KeptPage(sections=(SECTION,), on_hit=lambda kwargs: reads.count_read(kwargs["pk"]))

    def get_queryset(self):
        articles = Article.objects.select_related("column", "column__parent", "cover")
        return articles if self.preview else articles.published()

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not self.preview:
            reads.count_read(article.pk)
        return article

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        crumbs = [(gettext("新闻动态"), reverse("news:index"))]
        crumbs += [(column.name, column.get_absolute_url()) for column in self.object.column.trail]
        return crumbs + [(gettext("正文"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["older"], context["newer"], context["related"] = article.surroundings()
        context["preview"] = self.preview
        context["share_url"] = self.request.build_absolute_uri(article.get_absolute_url())
        return context


class ArticlePreviewView(ArticleView):
    """A draft or scheduled article exactly as residents will see it; staff who edit news only."""

    preview = True
    kept_page = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("news.change_article"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SearchView(PageMixin, ListView):
    """Search the news in Chinese: every word must match; most relevant first, matches highlighted."""

    template_name = "news/search.html"
    paginate_by = ARTICLES_PER_PAGE
    paginator_class = PositionPaginator
    title = _("搜索新闻")
    kept_page = KeptPage(sections=(SECTION,), parameters={"page": PAGE_NUMBER, "q": re.compile(SEARCH_WORDS)})

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None)
        self.words = []
        if not self.form.is_valid():
            return Article.objects.none()
        results, self.words = Article.objects.search(self.form.cleaned_data["q"])
        return results.select_related("column").defer("body", "search_title", "search_text")

    def get_breadcrumbs(self):
        return [(gettext("新闻动态"), reverse("news:index")), (self.title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search_form"] = self.form
        context["query"] = self.form.cleaned_data.get("q", "") if self.form.is_bound and self.form.is_valid() else ""
        context["words"] = self.words
        context["results"] = [
            {
                "article": article,
                "title": search.highlight(article.title, self.words, length=200),
                "snippet": search.highlight(article.description + " " + article.body_text, self.words),
            }
            for article in context["object_list"]
        ]
        return context


@require_GET
@cache_control(public=True, max_age=86400)
def article_qr(request, pk):
    """An SVG QR code of the article's address, for WeChat and the printed page."""
    article = get_object_or_404(Article.objects.published().only("id"), pk=pk)
    code = segno.make(request.build_absolute_uri(article.get_absolute_url()), error="m")
    svg = io.BytesIO()
    code.save(svg, kind="svg", scale=4, dark="#1f1f1f", light="#ffffff", title=article.title)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@staff_member_required
@permission_required("news.change_article", raise_exception=True)
def editor_photo_picker(request):
    """The rich-text editor's photo window: upload a photo (or pick a recent one) for an article.

    Opened by the editor as a popup with ?CKEditorFuncNum=N (the file-browser
    protocol django-prose-editor speaks); static/js/photo-picker.js hands the
    chosen photo back to the editor. Works under the strict CSP: no inline script.
    """
    callback = request.GET.get("CKEditorFuncNum", "")
    chosen = None
    form = EditorPhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = store_upload(form.cleaned_data["photo"], alt=form.cleaned_data["alt"], uploaded_by=request.user)
        except ValidationError as error:
            form.add_error("photo", error)
    recent = Image.objects.filter(uploaded_by=request.user).order_by("-created")[:12]
    return render(
        request,
        "news/editor_photo_picker.html",
        {"form": form, "callback": callback, "chosen": chosen, "recent": recent, "title": gettext("插入图片")},
    )
