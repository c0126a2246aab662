"""Columns (栏目) and articles (文章): the community's news."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from community import home, search
from community.models import Image
from news.content import plain_text, sanitize_body

# What the editor offers; the server-side allow-list is news.content.ALLOWED_TAGS.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Figure": {"pickerUrl": "/news/editor/photos/"},
    "Image": True,
    "Caption": True,
}

# Ranking is bounded to the newest matches, so that a common word stays fast
# at hundreds of thousands of articles.
SEARCH_RANK_WINDOW = 2000


class Column(models.Model):
    """A news column (栏目), possibly inside another: 党群工作 > 党群动态."""

    name = models.CharField(_("名称"), max_length=30)
    slug = models.SlugField(
        _("网址名"),
        max_length=40,
        unique=True,
        help_text=_("出现在网址里的英文或拼音,如 dangqun-dongtai;设定后不要再改。"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级栏目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("留空表示顶级栏目。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))
    description = models.CharField(_("简介"), max_length=200, blank=True)
    show_on_home = models.BooleanField(_("首页显示"), default=True, help_text=_("在首页显示这个栏目的最新文章。"))

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
        ordering = ["order", "name"]

    def __str__(self):
        return f"{self.parent.name} > {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self):
        return reverse("news:column", kwargs={"slug": self.slug})

    @property
    def trail(self):
        """The columns from the top down to this one (for breadcrumbs)."""
        return [self.parent, self] if self.parent_id else [self]


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Published and due: status published, publish time reached. Scheduled ones stay hidden."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def in_column(self, column):
        """Articles of a column and of the columns inside it."""
        return self.filter(Q(column=column) | Q(column__parent=column))

    def for_lists(self):
        """What a list of articles draws: column names and cover photos, no bodies."""
        return self.select_related("column", "column__parent", "cover").defer(
            "body", "body_text", "search_title", "search_text"
        )

    def newest_first(self):
        return self.order_by("-publish_at", "-id")

    def home_sections(self, *, latest=6, per_column=4):
        """What the home page shows: pinned, latest, and the newest of each home column.

        Three queries whatever the number of columns: the per-column lists come
        from one windowed query, grouped under each article's top-level column.
        """
        published = self.published().for_lists()
        pinned = list(published.filter(pinned=True).newest_first()[:3])
        newest = list(published.exclude(pk__in=[a.pk for a in pinned]).newest_first()[:latest])
        ranked = (
            published.filter(column__show_on_home=True)
            .annotate(top_column=Coalesce("column__parent_id", "column_id"))
            .annotate(
                position=Window(
                    RowNumber(), partition_by=[F("top_column")], order_by=[F("publish_at").desc(), F("id").desc()]
                )
            )
            .filter(position__lte=per_column)
        )
        by_column = {}
        for article in ranked:
            top = article.column.parent or article.column
            if top.show_on_home:
                by_column.setdefault(top, []).append(article)
        columns = sorted(by_column.items(), key=lambda item: (item[0].order, item[0].name))
        return {"pinned": pinned, "latest": newest, "columns": columns}

    def search(self, query):
        """Published articles matching every word of ``query``, most relevant first.

        Returns (queryset, words). The query is cut into words as documents are;
        an empty or symbol-only query has no words and finds nothing.
        """
        words = search.query_words(query)
        if not words:
            return self.none(), words
        tsquery = SearchQuery(search.tsquery_text(words), config=search.SEARCH_CONFIG, search_type="plain")
        newest_matches = (
            self.published().filter(search_vector=tsquery).order_by("-publish_at").values("pk")[:SEARCH_RANK_WINDOW]
        )
        ranked = (
            self.filter(pk__in=newest_matches)
            .annotate(rank=SearchRank(F("search_vector"), tsquery, cover_density=True))
            .order_by("-rank", "-publish_at", "-id")
        )
        return ranked, words


class Article(models.Model):
    """One news post. Staff write it in the admin; residents read, search and share it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    title = models.CharField(_("标题"), max_length=120)
    column = models.ForeignKey(Column, verbose_name=_("栏目"), on_delete=models.PROTECT, related_name="articles")
    summary = models.CharField(
        _("摘要"), max_length=300, blank=True, help_text=_("列表和分享时显示的一两句话;留空则取正文开头。")
    )
    body = ProseEditorField(_("正文"), extensions=EDITOR_EXTENSIONS, sanitize=sanitize_body, blank=True)
    cover = models.ForeignKey(
        Image, verbose_name=_("封面图片"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=60, default="社区党委", help_text=_("文章出处,如“社区党委”。"))
    author = models.CharField(_("作者"), max_length=40, blank=True)
    publish_at = models.DateTimeField(
        _("发布时间"), default=timezone.now, help_text=_("填将来的时间即为定时发布,到点后才对居民可见。")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    pinned = models.BooleanField(_("置顶"), default=False, help_text=_("置顶文章排在首页和栏目最前面。"))
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("修改时间"), auto_now=True)

    # Derived from the fields above by refresh_derived_fields(); never edited directly.
    body_text = models.TextField(_("正文文字"), blank=True, editable=False)
    excerpt = models.CharField(_("正文开头"), max_length=150, blank=True, editable=False)
    search_title = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("search_title", weight="A", config=search.SEARCH_CONFIG)
        + SearchVector("search_text", weight="B", config=search.SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["-publish_at", "-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="news_article_search"),
            models.Index(fields=["status", "-publish_at"], name="news_article_published"),
            models.Index(fields=["column", "status", "-publish_at"], name="news_article_column"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                *("body", "body_text", "excerpt", "search_title", "search_text"),
            }
        super().save(*args, **kwargs)
        home.forget()

    def get_absolute_url(self):
        return reverse("news:article", kwargs={"pk": self.pk})

    def refresh_derived_fields(self):
        """Sanitise the body and recompute its text and search words (whatever wrote the body)."""
        self.body = sanitize_body(self.body)
        self.body_text = plain_text(self.body)
        self.excerpt = self.body_text[:120]
        self.search_title = search.segment_document(self.title)
        self.search_text = search.segment_document(self.summary, self.body_text)

    @property
    def description(self):
        """The summary, or the start of the text: for lists, meta description and sharing."""
        return self.summary or self.excerpt

    @property
    def is_visible(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    def publish(self, *, when=None):
        """Publish now, or at ``when`` (scheduled)."""
        self.status = self.Status.PUBLISHED
        if when is not None:
            self.publish_at = when
        self.save(update_fields=["status", "publish_at", "updated"])

    def unpublish(self):
        """Take the article back to draft: residents no longer see it."""
        self.status = self.Status.DRAFT
        self.save(update_fields=["status", "updated"])

    def set_pinned(self, pinned):
        self.pinned = pinned
        self.save(update_fields=["pinned", "updated"])

    def neighbours(self):
        """The previous (older) and next (newer) published article in the same column."""
        siblings = Article.objects.published().filter(column_id=self.column_id).only("id", "title", "publish_at")
        older = (
            siblings.filter(Q(publish_at__lt=self.publish_at) | Q(publish_at=self.publish_at, id__lt=self.id))
            .order_by("-publish_at", "-id")
            .first()
        )
        newer = (
            siblings.filter(Q(publish_at__gt=self.publish_at) | Q(publish_at=self.publish_at, id__gt=self.id))
            .order_by("publish_at", "id")
            .first()
        )
        return older, newer

    def related(self, limit=4):
        """Other published articles that share words with this title, most related first."""
        words = search.query_words(self.title)
        if not words:
            return Article.objects.none()
        any_word = SearchQuery(" | ".join(words), config=search.SEARCH_CONFIG, search_type="raw")
        candidates = (
            Article.objects.published()
            .exclude(pk=self.pk)
            .filter(search_vector=any_word)
            .order_by("-publish_at")
            .values("pk")[:200]
        )
        return (
            Article.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), any_word))
            .order_by("-rank", "-publish_at")
            .only("id", "title", "publish_at")[:limit]
        )


class ArticleRead(models.Model):
    """How many times an article was read on a day (Asia/Shanghai), flushed from a buffer."""

    article = models.ForeignKey(Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="reads")
    day = models.DateField(_("日期"))
    count = models.PositiveIntegerField(_("阅读次数"), default=0)

    class Meta:
        verbose_name = _("每日阅读")
        verbose_name_plural = _("每日阅读")
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="news_read_once_per_day")]
        indexes = [models.Index(fields=["day", "article"], name="news_read_day")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.count}"
