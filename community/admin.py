from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin

from community import audit, second_factor
from community.forms import PhotoField
from community.images import store_upload
from community.models import AuditEntry, Building, ContactView, Grid, Image, JobRun, Notification, PartyBranch, User
from community.privacy import mask_phone


class AuditedAdminMixin:
    """Records every add, change and delete made in the admin, with the changed values."""

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj)
        label = type(obj)._meta.model_name
        audit.record(
            actor=request.user,
            action=f"{label}.{'change' if change else 'add'}",
            target=obj,
            changes=audit.diff(before, after),
            note="admin",
        )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action=f"{obj._meta.model_name}.delete", target=obj, note="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(actor=request.user, action=f"{obj._meta.model_name}.delete", target=obj, note="admin")
        super().delete_queryset(request, queryset)


class ContactDetailsAdminMixin:
    """A change page that shows someone's full phone or address records who saw it, as the portal's pages do.

    ``contact_fields``: the fields of the model that hold them. The view names
    the record (community.audit.record_contact_views: its ``contact_person``,
    or the record itself for a resident without an account). Change lists show
    phones masked and record nothing.
    """

    contact_fields: tuple = ()

    def contact_subjects(self, obj):
        """Whose details this record's change page shows: the record, when one of its contact fields is filled."""
        return [obj] if any(getattr(obj, field) for field in self.contact_fields) else []

    def record_contact_view(self, request, obj):
        audit.record_contact_views(
            subjects=self.contact_subjects(obj),
            viewer=request.user,
            viewer_role=gettext("社区工作人员"),
            context=gettext("管理后台·%(kind)s：%(record)s") % {"kind": obj._meta.verbose_name, "record": obj},
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            self.record_contact_view(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown inside a record's admin page that are written elsewhere (by the model's verbs), never here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class TimelineInline(ReadOnlyInline):
    """A record's timeline: its transitions (community.lifecycle.Transition), oldest first."""

    fields = ("created", "from_status", "to_status", "actor", "note")


class PhotoUploadAdminMixin:
    """Replaces foreign keys to Image with an upload field and a description field.

    ``photo_fields = {"cover": _("封面图片")}``: the admin shows ``cover_upload``
    and ``cover_alt`` instead of a list of every image ever uploaded, and saving
    stores the upload through community.images (checked, re-encoded, stripped).
    """

    photo_fields: dict = {}

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), *self.photo_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        attrs = {}
        for name, label in self.photo_fields.items():
            attrs[f"{name}_upload"] = PhotoField(label=label, required=False)
            current = getattr(obj, name, None) if obj else None
            attrs[f"{name}_alt"] = forms.CharField(
                label=_("图片说明"),
                required=False,
                max_length=120,
                initial=current.alt if current else "",
                help_text=_("一句话说明图片内容，给看不见图片的人听。"),
            )
        kwargs["form"] = type("PhotoUploadForm", (kwargs.get("form", self.form),), attrs)
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        for name in self.photo_fields:
            upload = form.cleaned_data.get(f"{name}_upload")
            alt = form.cleaned_data.get(f"{name}_alt", "")
            current = getattr(obj, name, None)
            if upload:
                setattr(obj, name, store_upload(upload, alt=alt, uploaded_by=request.user))
            elif current and current.alt != alt:
                current.alt = alt
                current.save(update_fields=["alt"])
        super().save_model(request, obj, form, change)


@admin.register(User)
class UserAdmin(ContactDetailsAdminMixin, DjangoUserAdmin):
    list_display = ("masked_login", "display_name", "email", "is_staff", "is_active", "date_joined", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "display_name", "email")
    ordering = ("-date_joined",)
    actions = ["make_password_reset_links", "reset_second_factor"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "display_name", "password1", "password2")}),)

    @admin.display(description=_("登录名"), ordering="username")
    def masked_login(self, user):
        return user.masked_login

    def contact_subjects(self, user):
        """The change page shows the login name in full: a phone number, for many residents."""
        return [user] if user.login_is_phone else []

    def user_change_password(self, request, id, form_url=""):
        """Its title is the login name in full, too."""
        response = super().user_change_password(request, id, form_url)
        if response.status_code == 200:
            self.record_contact_view(request, self.get_object(request, unquote(id)))
        return response

    def has_assist_password_reset_permission(self, request):
        return request.user.has_perm("community.assist_password_reset")

    @admin.action(description=_("生成重置密码链接（用于没有邮箱的居民）"), permissions=["assist_password_reset"])
    def make_password_reset_links(self, request, queryset):
        """Staff-assisted reset: a one-time link the staff member reads out or sends by SMS.

        Staff never see or choose the resident's new password; the link works
        once and expires after PASSWORD_RESET_TIMEOUT.
        """
        links = []
        for user in queryset.filter(is_active=True):
            path = reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            links.append((user, request.build_absolute_uri(path)))
        context = {
            **self.admin_site.each_context(request),
            "title": _("重置密码链接"),
            "links": links,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/community/password_reset_links.html", context)

    def has_reset_second_factor_permission(self, request):
        return request.user.is_superuser

    @admin.action(
        description=_("重置两步验证（手机丢失时；由另一位超级管理员操作）"), permissions=["reset_second_factor"]
    )
    def reset_second_factor(self, request, queryset):
        """A lost phone: the account's authenticator and recovery codes go; the owner sets up new ones."""
        done, refused = [], []
        for user in queryset:
            if user.pk == request.user.pk:
                refused.append(user)
            elif second_factor.reset(user, by=request.user):
                done.append(user)
        if done:
            self.message_user(
                request,
                _("已重置 %(names)s 的两步验证；他们下次登录时重新设置。")
                % {"names": "、".join(u.display_name or u.masked_login for u in done)},
            )
        if refused:
            self.message_user(request, _("不能重置自己的两步验证，请另一位超级管理员操作。"), level="error")


# Authenticators are set up and reset from the portal's pages (community/second_factor.py); their secrets
# are nobody's business in the admin.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class GridByNameWidget(widgets.ForeignKeyWidget):
    """Imports a building's grid by name, creating the grid if it is new."""

    def clean(self, value, row=None, **kwargs):
        name = (value or "").strip()
        if not name:
            raise ValueError(_("网格名称不能为空"))
        grid, _created = Grid.objects.get_or_create(name=name)
        return grid


class BuildingResource(resources.ModelResource):
    """CSV columns for buildings: 网格, 楼栋, 户数, 纬度, 经度 (re-importing updates by 楼栋; a file without the
    position columns leaves positions as they are)."""

    grid = fields.Field(attribute="grid", column_name="网格", widget=GridByNameWidget(Grid, "name"))
    name = fields.Field(attribute="name", column_name="楼栋")
    households = fields.Field(attribute="households", column_name="户数", widget=widgets.IntegerWidget())
    latitude = fields.Field(attribute="latitude", column_name="纬度", widget=widgets.DecimalWidget())
    longitude = fields.Field(attribute="longitude", column_name="经度", widget=widgets.DecimalWidget())

    class Meta:
        model = Building
        fields = ("grid", "name", "households", "latitude", "longitude")
        import_id_fields = ("name",)


class BuildingInline(admin.TabularInline):
    model = Building
    extra = 0
    fields = ("name", "households", "order", "latitude", "longitude")


@admin.register(Grid)
class GridAdmin(ContactDetailsAdminMixin, admin.ModelAdmin):
    contact_fields = ("duty_phone",)
    list_display = ("name", "order", "grid_worker", "masked_duty_phone", "building_count")
    list_editable = ("order",)
    list_select_related = ("grid_worker",)
    search_fields = ("name", "description")
    autocomplete_fields = ("grid_worker",)
    inlines = [BuildingInline]

    @admin.display(description=_("网格员电话"))
    def masked_duty_phone(self, grid):
        return mask_phone(grid.duty_phone)

    @admin.display(description=_("楼栋数"), ordering="building_total")
    def building_count(self, grid):
        return grid.building_total

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(building_total=Count("buildings"))


@admin.register(PartyBranch)
class PartyBranchAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A grid's party branch (网格党支部): its secretary plans the party days and sees its members' declarations."""

    list_display = ("name", "grid", "secretary")
    list_select_related = ("grid", "secretary")
    search_fields = ("name", "grid__name", "secretary__display_name")
    autocomplete_fields = ("grid", "secretary")


@admin.register(Building)
class BuildingAdmin(ImportExportModelAdmin):
    resource_classes = [BuildingResource]
    list_display = ("name", "grid", "households", "order", "has_position")
    list_filter = ("grid",)
    list_select_related = ("grid",)
    search_fields = ("name", "grid__name")
    autocomplete_fields = ("grid",)

    @admin.display(description=_("已填位置"), boolean=True)
    def has_position(self, building):
        return building.latitude is not None


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("name", "last_started", "last_finished", "last_ok")
    list_filter = ("last_ok",)
    search_fields = ("name",)
    readonly_fields = ("name", "last_started", "last_finished", "last_ok", "last_message")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "preview", "width", "height", "uploaded_by", "created")
    list_select_related = ("uploaded_by",)
    search_fields = ("alt",)
    readonly_fields = ("key", "preview", "width", "height", "renditions", "uploaded_by", "created")
    fields = ("alt", "preview", "key", "width", "height", "renditions", "uploaded_by", "created")

    def get_queryset(self, request):
        # Private photos (wishes under review, problem reports) are seen only where their owner's rules allow.
        return super().get_queryset(request).filter(private=False)

    @admin.display(description=_("预览"))
    def preview(self, image):
        from django.utils.html import format_html

        return format_html('<img src="{}" alt="" width="120">', image.url(400))

    def has_add_permission(self, request):
        # Photos arrive through the forms that use them, never on their own.
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "created", "read_at", "email_status", "phoned_at")
    list_filter = ("email_status", ("read_at", admin.EmptyFieldListFilter), "created")
    list_select_related = ("recipient",)
    search_fields = ("title", "recipient__display_name")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Browsable by staff who may view it; nobody can add, change or delete entries."""

    list_display = ("created", "actor_name", "action", "target_label", "target_type")
    list_filter = ("action", "target_type", "created")
    search_fields = ("actor_name", "action", "target_label", "target_id", "note")
    date_hierarchy = "created"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactView)
class ContactViewAdmin(admin.ModelAdmin):
    list_display = ("created", "subject", "target_label", "viewer", "viewer_role", "context")
    list_filter = ("viewer_role", "target_type", "created")
    list_select_related = ("subject", "viewer")
    search_fields = ("context", "target_label")
    readonly_fields = [f.name for f in ContactView._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
