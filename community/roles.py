"""Staff roles as permission groups, so that not every staff member can do everything.

Each role lists the permissions it grants as "app_label.codename". Later
features add their permissions here; ``sync_roles`` runs after every migrate
and brings the groups in step (permissions that do not exist yet are skipped).
"""

from django.utils.translation import gettext_lazy as _

EDITOR = "编辑"
REVIEWER = "审核员"
GRID_WORKER = "网格员"
PARTY_AFFAIRS = "党务"

ROLE_DESCRIPTIONS = {
    EDITOR: _("撰写、发布新闻文章"),
    REVIEWER: _("审核居民提交的内容"),
    GRID_WORKER: _("维护网格楼栋，代居民办理事项"),
    PARTY_AFFAIRS: _(
        "确认居民申报的党员身份，导出党员名单；审核在职党员和单位报到，填写、打印反馈表；管理网格党支部和主题党日"
    ),
}

ROLE_PERMISSIONS = {
    EDITOR: [
        "community.view_dashboard",
        "news.view_column",
        "news.add_column",
        "news.change_column",
        "news.view_article",
        "news.add_article",
        "news.change_article",
        "news.delete_article",
        "news.view_articleread",
        "community.view_image",
        "community.change_image",
    ],
    REVIEWER: [
        "community.view_dashboard",
        "wishes.view_wish",
        "wishes.review_wish",
        "wishes.view_wishclaim",
        "volunteers.view_volunteer",
        "volunteers.review_volunteer",
        "volunteers.view_team",
        "volunteers.change_team",
        "volunteers.view_activity",
    ],
    GRID_WORKER: [
        "community.view_dashboard",
        "community.export_personal_data",
        "community.call_residents",
        "whistles.triage_report",
        "whistles.view_problemreport",
        "whistles.view_whistle",
        "wishes.view_wish",
        "wishes.enter_wish_for_resident",
        "volunteers.view_appointment",
        "volunteers.view_workstation",
        "volunteers.change_appointment",
        "volunteers.view_activity",
        "volunteers.change_activity",
        "volunteers.view_volunteer",
        "community.view_user",
        "community.assist_password_reset",
        "community.view_grid",
        "community.add_grid",
        "community.change_grid",
        "community.view_building",
        "community.add_building",
        "community.change_building",
        # Grid workers staff the service centre's desk, where the lending box is: they hand items over,
        # take them back and keep the inventory.
        "lending.handle_loan",
        "lending.view_loan",
        "lending.view_item",
        "lending.add_item",
        "lending.change_item",
        # 十五分钟便民服务圈: grid workers know the streets and keep the directory.
        "places.view_place",
        "places.add_place",
        "places.change_place",
        "places.view_openinghours",
        "places.add_openinghours",
        "places.change_openinghours",
        "places.delete_openinghours",
        "places.view_closure",
        "places.add_closure",
        "places.change_closure",
        "places.delete_closure",
        "places.view_placereport",
        "places.change_placereport",
    ],
    # Party members: declarations are sensitive personal data, seen and confirmed by this role only (and by
    # the secretary of the branch a declaration names).
    PARTY_AFFAIRS: [
        "community.view_dashboard",
        # The list of confirmed members is personal data: its holders sign in with a second step.
        "community.export_personal_data",
        "community.confirm_partymembership",
        "community.view_partymembership",
        # 双报到: reviewing in-service members and units, the service posts, the yearly feedback sheets.
        "party.review_inservicemember",
        "party.view_inservicemember",
        "party.view_servicepost",
        "party.add_servicepost",
        "party.change_servicepost",
        "party.view_feedbacksheet",
        "volunteers.view_partnerunit",
        # The grid branches (secretaries) and their party days, in the admin.
        "community.view_partybranch",
        "community.add_partybranch",
        "community.change_partybranch",
        "party.view_partyday",
        "party.change_partyday",
    ],
}


def sync_roles(sender=None, **kwargs):
    """Create the role groups and give them exactly their listed permissions.

    post_migrate fires once per app, and each app's permissions are created in
    its own turn, so the work waits for the last app.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not None and sender is not with_models[-1]:
        return
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission:
                wanted.append(permission)
        group.permissions.set(wanted)
