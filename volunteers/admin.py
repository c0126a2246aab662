from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.admin import AuditedAdminMixin, ContactDetailsAdminMixin, PhotoUploadAdminMixin
from volunteers.models import (
    Activity,
    Appointment,
    OpeningHours,
    PartnerMembership,
    PartnerUnit,
    ServiceHourRecord,
    SignUp,
    Team,
    TeamMembership,
    Volunteer,
    VolunteerError,
    Workstation,
)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("未通过的原因（申请人会看到）"), max_length=200)


@admin.register(Volunteer)
class VolunteerAdmin(ContactDetailsAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    contact_fields = ("phone",)
    list_display = ("real_name", "user", "masked_phone", "status", "applied_at", "decided_at")
    list_filter = ("status", "wanted_teams", "applied_at")
    list_select_related = ("user",)
    search_fields = ("real_name", "user__display_name", "skills")
    autocomplete_fields = ("user",)
    readonly_fields = ("status", "reject_reason", "applied_at", "decided_at", "decided_by", "terms_accepted_at")
    filter_horizontal = ("wanted_teams",)
    actions = ["approve", "reject"]

    @admin.display(description=_("手机号"))
    def masked_phone(self, volunteer):
        return volunteer.masked_phone

    def has_review_permission(self, request):
        return request.user.has_perm("volunteers.review_volunteer")

    @admin.action(description=_("通过所选申请"), permissions=["review"])
    def approve(self, request, queryset):
        for volunteer in queryset:
            try:
                volunteer.approve(by=request.user)
            except VolunteerError as error:
                messages.warning(request, f"{volunteer}：{error.message}")

    @admin.action(description=_("退回所选申请（需写原因）"), permissions=["review"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            for volunteer in queryset:
                try:
                    volunteer.reject(by=request.user, reason=form.cleaned_data["reason"])
                except VolunteerError as error:
                    messages.warning(request, f"{volunteer}：{error.message}")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("退回志愿者申请"),
            "form": form,
            "queryset": queryset,
            "opts": self.model._meta,
            "action": "reject",
        }
        return TemplateResponse(request, "admin/volunteers/reject_form.html", context)


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    fields = ("volunteer", "status", "is_leader", "created")
    readonly_fields = ("created",)
    autocomplete_fields = ("volunteer",)


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, PhotoUploadAdminMixin, admin.ModelAdmin):
    photo_fields = {"logo": _("标志")}
    list_display = ("name", "kind", "office_phone", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "description")
    inlines = [MembershipInline]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 1


@admin.register(Workstation)
class WorkstationAdmin(AuditedAdminMixin, PhotoUploadAdminMixin, admin.ModelAdmin):
    photo_fields = {"photo": _("照片")}
    list_display = ("name", "leader", "place", "order")
    list_select_related = ("leader",)
    search_fields = ("name", "services", "leader__display_name")
    autocomplete_fields = ("leader",)
    inlines = [OpeningHoursInline]


@admin.register(Appointment)
class AppointmentAdmin(ContactDetailsAdminMixin, admin.ModelAdmin):
    contact_fields = ("phone",)
    list_display = ("workstation", "day", "start", "end", "resident", "status")
    list_filter = ("status", "workstation", "day")
    list_select_related = ("workstation", "resident")
    search_fields = ("topic", "resident__display_name")
    readonly_fields = (
        "workstation",
        "resident",
        "day",
        "start",
        "end",
        "topic",
        "phone",
        "status",
        "reply",
        "answered_by",
    )

    def has_add_permission(self, request):
        return False


class SignUpInline(admin.TabularInline):
    model = SignUp
    extra = 0
    fields = ("name", "status", "code", "attended", "checked_in_at", "rating", "rating_comment")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(AuditedAdminMixin, PhotoUploadAdminMixin, admin.ModelAdmin):
    photo_fields = {"cover": _("封面")}
    list_display = ("title", "audience", "host_name", "starts_at", "place", "capacity", "status")
    list_filter = ("status", "audience", "team", "starts_at")
    list_select_related = ("team", "workstation", "partner_unit", "branch")
    search_fields = ("title", "description", "place")
    autocomplete_fields = ("team", "workstation", "partner_unit", "branch")
    date_hierarchy = "starts_at"
    readonly_fields = ("status", "checkin_closed_at", "checkin_closed_by")
    inlines = [SignUpInline]

    @admin.display(description=_("主办"))
    def host_name(self, activity):
        return activity.host_name


@admin.register(ServiceHourRecord)
class ServiceHourRecordAdmin(admin.ModelAdmin):
    """Hours are credited by closing a check-in and corrected by adjustments, never edited here."""

    list_display = ("volunteer", "activity", "hours", "served_on", "kind", "reason")
    list_filter = ("kind", "served_on")
    list_select_related = ("volunteer", "activity")
    search_fields = ("volunteer__real_name", "activity__title", "reason")
    readonly_fields = ("volunteer", "activity", "hours", "served_on", "kind", "reason", "recorded_by", "created")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PartnerMembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 1
    fields = ("user", "is_contact", "created")
    readonly_fields = ("created",)
    autocomplete_fields = ("user",)


@admin.register(PartnerUnit)
class PartnerUnitAdmin(AuditedAdminMixin, ContactDetailsAdminMixin, PhotoUploadAdminMixin, admin.ModelAdmin):
    photo_fields = {"logo": _("标志")}
    contact_fields = ("contact_phone",)
    list_display = ("name", "kind", "office_phone", "registration", "registered_at")
    list_filter = ("registration", "kind")
    search_fields = ("name", "description", "contact_name")
    readonly_fields = ("registration", "registered_by", "registered_at", "decided_by", "decided_at")
    inlines = [PartnerMembershipInline]

    def save_model(self, request, obj, form, change):
        """A unit staff enter here is registered by them and approved at once (双报到: 社区登记)."""
        if not change:
            now = timezone.now()
            obj.registration = PartnerUnit.Registration.APPROVED
            obj.registered_by = obj.decided_by = request.user
            obj.registered_at = obj.decided_at = now
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for membership in formset.save(commit=False):
            membership.added_by = membership.added_by or request.user
            membership.save()
        formset.save_m2m()
        for deleted in formset.deleted_objects:
            deleted.delete()
