from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.admin import AuditedAdminMixin, ReadOnlyInline
from places.models import Closure, OpeningHours, Place, PlaceError, PlaceReport


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 1
    fields = ("weekday", "opens", "closes")


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0
    fields = ("first_day", "last_day", "reason")


class WaitingReportInline(ReadOnlyInline):
    """What residents said is wrong with this place, still waiting: correct the fields above, then mark them
    handled in 便民服务点报错."""

    model = PlaceReport
    fields = ("note", "reporter", "created")
    verbose_name_plural = _("居民报告的错误（待处理）")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=PlaceReport.Status.OPEN).select_related("reporter")


@admin.register(Place)
class PlaceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "category", "address", "phone", "step_free", "shown", "updated")
    list_filter = ("category", "shown", "step_free", "accessible_toilet")
    search_fields = ("name", "address", "services")
    fieldsets = (
        (None, {"fields": ("name", "category", "services", "address", "phone", "shown")}),
        (
            _("位置"),
            {
                "fields": ("latitude", "longitude"),
                "description": _(
                    "只需填一次：步行时间和社区示意图都按它计算。楼栋的位置在“楼栋”里填写，要用同一个地图应用取点。"
                ),
            },
        ),
        (_("无障碍"), {"fields": ("step_free", "accessible_toilet", "accessibility_note")}),
    )
    inlines = [OpeningHoursInline, ClosureInline, WaitingReportInline]


@admin.register(Closure)
class ClosureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Holidays for many places at once (春节, 国庆) are quicker to enter here than place by place."""

    list_display = ("place", "first_day", "last_day", "reason")
    list_filter = ("first_day", "place__category")
    list_select_related = ("place",)
    search_fields = ("place__name", "reason")
    autocomplete_fields = ("place",)


@admin.register(PlaceReport)
class PlaceReportAdmin(admin.ModelAdmin):
    """Residents' reports: read here; the place is corrected on its own page, and the report marked handled."""

    list_display = ("place", "note", "status", "reporter", "created", "handled_at")
    list_filter = ("status", "created")
    list_select_related = ("place", "reporter")
    search_fields = ("note", "place__name")
    readonly_fields = ("place", "reporter", "note", "status", "created", "handled_at", "handled_by", "reply")
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("标记为已处理（告诉报告人）"), permissions=["change"])
    def mark_handled(self, request, queryset):
        done = 0
        for report in queryset.select_related("place", "reporter"):
            try:
                report.mark_handled(by=request.user)
                done += 1
            except PlaceError as refusal:
                self.message_user(request, f"{report}：{refusal.message}", messages.WARNING)
        if done:
            self.message_user(request, gettext("已处理 %(n)d 条，报告人会收到通知。") % {"n": done})
