"""Columns (栏目) and articles (文章): the community's news."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from community import search
from community.models import Image
from community.sections import ShownModel, ShownQuerySet
from news.content import plain_text, sanitize_body

SECTION = "news"
ARTICLES_PER_PAGE = 15

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
SEARCH_RANK_WINDOW = 500


class Column(ShownModel):
    """A news column (栏目), possibly inside another: 党群工作 > 党群动态."""

    page_sections = (SECTION,)

    name = models.CharField(_("名称"), max_length=30, help_text=_("栏目名称，显示在导航和文章上方，例如“党群动态”。"))
    slug = models.SlugField(
        _("网址名"),
        max_length=40,
        unique=True,
        help_text=_("出现在网址里的英文或拼音，如 dangqun-dongtai；设定后不要再改。"),
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
    description = models.CharField(
        _("简介"), max_length=200, blank=True, help_text=_("一两句话介绍这个栏目登什么内容，显示在栏目页顶部。")
    )
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


class ArticleQuerySet(ShownQuerySet):
    def published(self, now=None):
        """Published and due: status published, publish time reached. Scheduled ones stay hidden."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def in_column(self, column, children=None):
        """Articles of a column and of the columns inside it (``children``, if already at hand).

        A list of column ids rather than a join on the parent, so that the
        (column, status, publish_at) index serves it.
        """
        if children is None:
            ids = Column.objects.filter(Q(pk=column.pk) | Q(parent=column)).values("pk")
        else:
            ids = [column.pk, *(child.pk for child in children)]
        return self.filter(column__in=ids)

    def for_lists(self):
        """What a list of articles draws: column names and cover photos, no bodies."""
        return self.select_related("column", "column__parent", "cover").defer(
            "body", "body_text", "search_title", "search_text"
        )

    def newest_first(self):
        return self.order_by("-publish_at", "-id")

    def home_sections(self, *, latest=6, per_column=4, pinned=3):
        """What the home page shows: pinned, latest, and the newest of each home column.

        One query whatever the number of columns. Its subquery picks the ids of
        every article any section may show (the newest pinned, the newest, and
        per home column the newest, each a short scan of the index on
        (status, publish_at, id)); the sections are then sorted out here.
        """
        now = timezone.now()
        candidates = RawSQL(
            """
            (SELECT id FROM news_article
              WHERE status = 'published' AND publish_at <= %s AND pinned
              ORDER BY publish_at DESC, id DESC LIMIT %s)
            UNION
            (SELECT id FROM news_article
              WHERE status = 'published' AND publish_at <= %s
              ORDER BY publish_at DESC, id DESC LIMIT %s)
            UNION
            (SELECT newest.id FROM news_column top CROSS JOIN LATERAL (
                SELECT a.id FROM news_article a
                 WHERE a.status = 'published' AND a.publish_at <= %s
                   AND a.column_id IN (SELECT c.id FROM news_column c
                                        WHERE (c.id = top.id OR c.parent_id = top.id) AND c.show_on_home)
                 ORDER BY a.publish_at DESC, a.id DESC LIMIT %s) newest
              WHERE top.parent_id IS NULL AND top.show_on_home)
            """,
            [now, pinned, now, pinned + latest, now, per_column],
        )
        articles = list(self.published(now).for_lists().filter(pk__in=candidates).newest_first())
        pinned_articles = [article for article in articles if article.pinned][:pinned]
        newest = [article for article in articles if article not in pinned_articles][:latest]
        by_column = {}
        for article in articles:
            top = article.column.parent or article.column
            if top.show_on_home and article.column.show_on_home:
                group = by_column.setdefault(top, [])
                if len(group) < per_column:
                    group.append(article)
        columns = sorted(by_column.items(), key=lambda item: (item[0].order, item[0].name))
        return {"pinned": pinned_articles, "latest": newest, "columns": columns}

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


class Article(ShownModel):
    """One news post. Staff write it in the admin; residents read, search and share it."""

    page_sections = (SECTION,)

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    title = models.CharField(_("标题"), max_length=120, help_text=_("一句话概括文章内容，120字以内。"))
    column = models.ForeignKey(
        Column,
        verbose_name=_("栏目"),
        on_delete=models.PROTECT,
        related_name="articles",
        help_text=_("文章放在哪个栏目下；居民在这个栏目和首页能看到它。"),
    )
    summary = models.CharField(
        _("摘要"), max_length=300, blank=True, help_text=_("列表和分享时显示的一两句话；留空则取正文开头。")
    )
    body = ProseEditorField(
        _("正文"),
        extensions=EDITOR_EXTENSIONS,
        sanitize=sanitize_body,
        blank=True,
        help_text=_("正文。可以插入照片，照片会自动压缩并去掉拍摄地点等信息。"),
    )
    cover = models.ForeignKey(
        Image, verbose_name=_("封面图片"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=60, default="社区党委", help_text=_("文章出处，如“社区党委”。"))
    author = models.CharField(_("作者"), max_length=40, blank=True, help_text=_("写稿人（选填），显示在文章末尾。"))
    publish_at = models.DateTimeField(
        _("发布时间"), default=timezone.now, help_text=_("填将来的时间即为定时发布，到点后才对居民可见。")
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("选“已发布”并到了发布时间，居民才能看到；草稿只有工作人员能预览。"),
    )
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
            # Newest first, also within a column (the column comes from the index, not the table).
            models.Index(
                fields=["status", "-publish_at", "-id"], include=["column", "pinned"], name="news_article_published"
            ),
            models.Index(fields=["column", "status", "-publish_at"], name="news_article_column"),
            # Lists number their rows in this order (community/pagination.py) from the index alone.
            models.Index(
                fields=["status", "-pinned", "-publish_at", "-id"], include=["column"], name="news_article_listing"
            ),
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

    def surroundings(self, related=4):
        """What the article page shows around the article, in one query: (older, newer, related).

        The previous (older) and next (newer) published article in the same
        column, and other published articles sharing words with the title
        (among the newest 200 that do), most related first.
        """
        siblings = Article.objects.published().filter(column_id=self.column_id)
        # The redundant bound on publish_at lets the index on (status, publish_at, id) seek.
        older = siblings.filter(
            Q(publish_at__lt=self.publish_at) | Q(publish_at=self.publish_at, id__lt=self.id),
            publish_at__lte=self.publish_at,
        ).order_by("-publish_at", "-id")
        newer = siblings.filter(
            Q(publish_at__gt=self.publish_at) | Q(publish_at=self.publish_at, id__gt=self.id),
            publish_at__gte=self.publish_at,
        ).order_by("publish_at", "id")
        chosen = [older.values("pk")[:1], newer.values("pk")[:1]]
        words = search.query_words(self.title)
        rank = Value(0.0)
        if words:
            any_word = SearchQuery(" | ".join(words), config=search.SEARCH_CONFIG, search_type="raw")
            sharing = Article.objects.published().exclude(pk=self.pk).filter(search_vector=any_word)
            rank = SearchRank(F("search_vector"), any_word)
            # Ranked in PostgreSQL: only the few shown come back (not the 200 candidates).
            chosen.append(
                Article.objects.filter(pk__in=sharing.order_by("-publish_at").values("pk")[:200])
                .annotate(shared=rank)
                .filter(shared__gt=0)
                .order_by("-shared", "-publish_at", "-id")
                .values("pk")[:related]
            )
        rows = list(
            Article.objects.filter(pk__in=chosen[0].union(*chosen[1:], all=True))
            .annotate(rank=rank)
            .only("id", "title", "publish_at", "column_id")
        )
        here = (self.publish_at, self.id)
        older_rows = sorted(
            (a for a in rows if a.column_id == self.column_id and (a.publish_at, a.id) < here), key=_key
        )
        newer_rows = sorted(
            (a for a in rows if a.column_id == self.column_id and (a.publish_at, a.id) > here), key=_key
        )
        sharing_rows = sorted((a for a in rows if a.rank > 0), key=lambda a: (a.rank, a.publish_at), reverse=True)
        return (
            older_rows[-1] if older_rows else None,
            newer_rows[0] if newer_rows else None,
            sharing_rows[:related],
        )


def _key(article):
    return (article.publish_at, article.id)


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
