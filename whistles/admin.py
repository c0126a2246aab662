from django.contrib import admin

from community.admin import AuditedAdminMixin, ContactDetailsAdminMixin, ReadOnlyInline, TimelineInline
from whistles.models import (
    ProblemReport,
    Rating,
    ReportPhoto,
    ReportTransition,
    Whistle,
    WhistleCall,
    WhistleTransition,
    WhistleUpdate,
)


class ReportPhotoInline(ReadOnlyInline):
    model = ReportPhoto
    fields = ("image", "order")


class ReportTransitionInline(TimelineInline):
    model = ReportTransition


@admin.register(ProblemReport)
class ProblemReportAdmin(ContactDetailsAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    contact_fields = ("contact_phone",)
    list_display = ("__str__", "category", "status", "reporter", "created")
    list_filter = ("status", "category", "building__grid")
    list_select_related = ("building", "reporter")
    search_fields = ("description", "spot", "building__name")
    readonly_fields = ("status", "reporter", "entered_by", "merged_into", "whistle", "activity", "reply", "created")
    fields = ("category", "description", "building", "spot", "contact_phone", *readonly_fields)
    autocomplete_fields = ("building",)
    inlines = [ReportPhotoInline, ReportTransitionInline]


class CallInline(ReadOnlyInline):
    model = WhistleCall
    fields = ("unit", "team", "status", "reported_in_at", "people", "done_at")


class TransitionInline(TimelineInline):
    model = WhistleTransition


@admin.register(Whistle)
class WhistleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Whistles are blown and closed on the portal's own pages; here staff correct wording."""

    list_display = ("title", "category", "status", "building", "report_in_by", "created")
    list_filter = ("status", "category")
    list_select_related = ("building",)
    search_fields = ("title", "description", "summary")
    readonly_fields = ("status", "report_in_by", "resolve_by", "created_by", "created", "closed_at")
    autocomplete_fields = ("building",)
    inlines = [CallInline, TransitionInline]

    def has_add_permission(self, request):
        return False


@admin.register(WhistleUpdate)
class WhistleUpdateAdmin(admin.ModelAdmin):
    list_display = ("call", "author", "text", "hidden_reason", "created")
    list_select_related = ("call__whistle", "call__unit", "call__team", "author")
    search_fields = ("text",)
    readonly_fields = ("call", "author", "text", "photos", "created")


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("whistle", "score", "comment", "hidden_reason", "created")
    list_filter = ("score",)
    list_select_related = ("whistle",)
    search_fields = ("comment",)
    readonly_fields = ("whistle", "rater", "score", "comment", "created")

    def has_add_permission(self, request):
        return False
