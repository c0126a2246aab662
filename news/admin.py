from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from js_asset import Media

from community import audit
from community.admin import AuditedAdminMixin, PhotoUploadAdminMixin
from news.models import Article, ArticleRead, Column


@admin.register(Column)
class ColumnAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "parent", "slug", "order", "show_on_home")
    list_editable = ("order", "show_on_home")
    list_filter = ("parent", "show_on_home")
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    autocomplete_fields = ("parent",)


@admin.register(Article)
class ArticleAdmin(AuditedAdminMixin, PhotoUploadAdminMixin, admin.ModelAdmin):
    photo_fields = {"cover": _("封面图片")}
    list_display = ("title", "column", "state", "publish_at", "pinned", "source")
    list_filter = ("status", "pinned", "column", "publish_at")
    list_select_related = ("column", "column__parent")
    search_fields = ("title", "summary", "source", "author")
    # Columns are few: a plain list is friendlier than a search box here.
    date_hierarchy = "publish_at"
    readonly_fields = ("preview_link", "created", "updated")
    actions = ["publish_now", "unpublish", "pin", "unpin"]
    fieldsets = (
        (None, {"fields": ("title", "column", "summary", "body")}),
        (_("封面"), {"fields": ("cover_upload", "cover_alt")}),
        (_("出处与发布"), {"fields": ("source", "author", "publish_at", "pinned", "status", "preview_link")}),
        (_("记录"), {"classes": ("collapse",), "fields": ("created", "updated")}),
    )

    @admin.display(description=_("状态"), ordering="status")
    def state(self, article):
        if article.status == Article.Status.DRAFT:
            return _("草稿")
        if article.publish_at > timezone.now():
            return _("定时发布")
        return _("已发布")

    @admin.display(description=_("预览"))
    def preview_link(self, article):
        if not article.pk:
            return _("保存后可以预览。")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("news:preview", kwargs={"pk": article.pk}),
            _("按居民看到的样子预览"),
        )

    def view_on_site(self, article):
        """The admin's 在站点上查看: the article as residents see it, or its preview while they cannot yet."""
        if article.status == Article.Status.PUBLISHED and article.publish_at <= timezone.now():
            return article.get_absolute_url()
        return reverse("news:preview", kwargs={"pk": article.pk})

    def render_change_form(self, request, context, *args, **kwargs):
        # The editor's import map is an inline script: give it this request's CSP nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.action(description=_("立即发布所选文章"), permissions=["change"])
    def publish_now(self, request, queryset):
        for article in queryset:
            article.publish(when=min(article.publish_at, timezone.now()))
            audit.record(actor=request.user, action="article.publish", target=article)
        messages.success(request, _("已发布 %(n)d 篇文章。") % {"n": queryset.count()})

    @admin.action(description=_("撤回所选文章（改为草稿）"), permissions=["change"])
    def unpublish(self, request, queryset):
        for article in queryset:
            article.unpublish()
            audit.record(actor=request.user, action="article.unpublish", target=article)
        messages.success(request, _("已撤回 %(n)d 篇文章。") % {"n": queryset.count()})

    @admin.action(description=_("置顶所选文章"), permissions=["change"])
    def pin(self, request, queryset):
        for article in queryset:
            article.set_pinned(True)
            audit.record(actor=request.user, action="article.pin", target=article)

    @admin.action(description=_("取消置顶"), permissions=["change"])
    def unpin(self, request, queryset):
        for article in queryset:
            article.set_pinned(False)
            audit.record(actor=request.user, action="article.unpin", target=article)


@admin.register(ArticleRead)
class ArticleReadAdmin(admin.ModelAdmin):
    list_display = ("article", "day", "count")
    list_filter = ("day",)
    list_select_related = ("article",)
    search_fields = ("article__title",)
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
