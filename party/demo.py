"""Demo party life: the party committee's four grid branches and their members, a year of party days, in-service
members registered from partner units, and a feedback sheet to print. Idempotent (found by natural keys)."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community.demo import ensure_account, plain_account
from community.demo_pictures import draw_scene
from community.images import store_upload
from community.models import Grid, PartyBranch, PartyMembership, User
from party.models import FeedbackSheet, InServiceMember, PartyDay, ServicePost, first_saturday
from volunteers.models import Activity, PartnerMembership, PartnerUnit, SignUp

# (grid, branch, secretary's demo login, her name): the party committee's four grid branches.
BRANCHES = [
    ("第一网格", "第一网格党支部", "secretary", "孙立平"),
    ("第二网格", "第二网格党支部", "secretary2", "郑红梅"),
    ("第三网格", "第三网格党支部", "secretary3", "马国庆"),
    ("第四网格", "第四网格党支部", "secretary4", "胡玉珍"),
]


def load(out):
    branches(out)
    members(out)
    in_service(out)
    party_days(out)


def branches(out):
    """The four grid branches and their secretaries (residents with a login; the first is in the logins file)."""
    for grid_name, name, login, secretary_name in BRANCHES:
        secretary = ensure_account(login, secretary_name)
        PartyBranch.objects.get_or_create(
            name=name, defaults={"grid": Grid.objects.get(name=grid_name), "secretary": secretary}
        )
    out.write(f"  {PartyBranch.objects.count()} party branches")


# (demo login, name, joined year, shows the badge) of each branch's confirmed members, in BRANCHES' order.
MEMBERS = [
    [("pm1a", "宋德明", 1978, True), ("pm1b", "冯秀兰", 1986, False), ("pm1c", "程志远", 2003, False)],
    [("pm2a", "韩玉梅", 1972, True), ("pm2b", "邓建民", 1991, False), ("pm2c", "曹丽娟", 2010, False)],
    [("pm3a", "彭国华", 1981, False), ("pm3b", "萧桂芳", 1995, True), ("pm3c", "田伟", 2012, False)],
    [("pm4a", "董淑珍", 1969, False), ("pm4b", "袁振国", 1988, True), ("pm4c", "潘晓红", 2008, False)],
]
# The demo volunteer is a confirmed member of the first branch who shows the badge: it is next to her name on the
# wishes she claimed.
BADGED_LOGIN = "volunteer"
# A declaration waiting for the first branch's secretary (on 我的 of `secretary`).
WAITING = ("pmwait", "蒋文博", 1999)


def _member(user, branch, joined_year, *, confirmed_by=None, shows_badge=False):
    """The user's membership, created once (found by its member): confirmed by ``confirmed_by`` unless None."""
    if PartyMembership.objects.filter(member=user).exists():
        return
    now = timezone.now()
    PartyMembership.objects.create(
        member=user,
        branch=branch,
        organisation=branch.name,
        joined_year=joined_year,
        consent_at=now,
        status=PartyMembership.Status.CONFIRMED if confirmed_by else PartyMembership.Status.DECLARED,
        shows_badge=shows_badge,
        decided_at=now if confirmed_by else None,
        decided_by=confirmed_by,
    )


def members(out):
    """Branches with secretaries and confirmed members (some showing their badge), one declaration waiting."""
    for (_grid, name, _login, _secretary), people in zip(BRANCHES, MEMBERS, strict=True):
        branch = PartyBranch.objects.select_related("secretary").get(name=name)
        for login, person, joined, badge in people:
            _member(plain_account(login, person), branch, joined, confirmed_by=branch.secretary, shows_badge=badge)
    first = PartyBranch.objects.select_related("secretary").get(name=BRANCHES[0][1])
    volunteer = get_user_model().objects.filter(username=BADGED_LOGIN).first()
    if volunteer is not None:
        _member(volunteer, first, 2005, confirmed_by=first.secretary, shows_badge=True)
    login, person, joined = WAITING
    _member(plain_account(login, person), first, joined)
    out.write(
        f"  {PartyMembership.objects.confirmed().count()} confirmed party members, "
        f"{PartyMembership.objects.waiting().count()} declaration waiting"
    )


# 双报到 ------------------------------------------------------------------------------------------------------

SERVICE_POSTS = [
    ("楼栋长助理", "协助楼栋长收集居民诉求、通知楼栋事务，每月至少一次。"),
    ("文明劝导员", "在小区门口和主干道劝导乱停放、乱扔垃圾，每月一个周末上午。"),
    ("政策宣讲员", "在新时代文明实践站宣讲医保、社保、就业等政策，每季度一次。"),
    ("助老帮扶", "结对看望独居老人，帮忙代购、陪同就医，每月两次。"),
    ("法律咨询", "在居民议事厅解答法律问题、参与矛盾调解，每月一次。"),
]

# (unit, login, name, position, skills, availability, posts, the unit's party organisation)
IN_SERVICE = [
    (
        "市委党校",
        "partner",
        "郑立新",
        "教研室主任",
        "理论宣讲",
        "周六上午",
        ["政策宣讲员", "楼栋长助理"],
        "市委党校机关党委",
    ),
    ("市委党校", "dangxiao2", "卢文博", "讲师", "电脑维修", "工作日晚上", ["助老帮扶"], "市委党校机关党委"),
    ("区医保局", "yibaoju1", "任海燕", "科员", "医保政策", "周六全天", ["政策宣讲员"], "区医保局机关党支部"),
    ("区建设局", "jianshe1", "覃志刚", "工程师", "房屋安全", "周日上午", ["文明劝导员"], "区建设局机关党支部"),
    (
        "供电公司江滨供电所",
        "gongdian1",
        "熊立军",
        "班长",
        "用电安全",
        "周末",
        ["助老帮扶", "法律咨询"],
        "江滨供电所党支部",
    ),
]

# Last year's sheet for 市委党校's members, seen by them (one with a remark), ready to print.
EVALUATIONS = {
    "partner": (
        "全年到社区宣讲政策 6 次，带领单位党员认领微心愿，积极响应“红哨子”，表现突出。",
        "感谢社区，明年继续参加。",
    ),
    "dangxiao2": ("结对帮扶两位独居老人，每月上门，帮老人学会用智能手机，居民评价很好。", ""),
}


def in_service(out):
    """Service posts, five in-service members registered from partner units, one unit registration waiting,
    and a feedback sheet for last year ready to print."""
    staff = User.objects.filter(username="staff").first()
    posts = {}
    for order, (name, description) in enumerate(SERVICE_POSTS, start=1):
        posts[name], _created = ServicePost.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )
    now = timezone.now()
    members = {}
    for unit_name, login, name, position, skills, availability, post_names, organisation in IN_SERVICE:
        unit = PartnerUnit.objects.get(name=unit_name)
        person = ensure_account(login, name) if login == "partner" else plain_account(login, name)
        PartyMembership.objects.get_or_create(
            member=person,
            defaults={
                "organisation": organisation,
                "joined_year": 2008,
                "consent_at": now,
                "status": PartyMembership.Status.CONFIRMED,
                "decided_by": staff,
                "decided_at": now,
            },
        )
        member, created = InServiceMember.objects.get_or_create(
            person=person,
            defaults={
                "unit": unit,
                "position": position,
                "skills": skills,
                "availability": availability,
                "status": InServiceMember.Status.APPROVED,
                "decided_by": staff,
                "decided_at": now,
            },
        )
        if created:
            member.posts.set([posts[p] for p in post_names])
        members[login] = member
    # 郑立新 is 市委党校's contact person: he sees the unit's registered members.
    PartnerMembership.objects.filter(unit__name="市委党校", user__username="partner").update(is_contact=True)
    _service_this_year(members)
    _last_year_sheet(members, staff)
    applicant = plain_account("xiaoxue1", "黄雅琴")
    PartnerUnit.objects.get_or_create(
        name="江滨实验小学",
        defaults={
            "kind": PartnerUnit.Kind.PARTY_SCHOOL,
            "description": "学校党支部希望组织教师党员到社区开展课后托管和家庭教育讲座。",
            "office_phone": "0791-88886666",
            "office_address": "江滨路88号",
            "contact_name": "黄雅琴",
            "contact_phone": "13979990001",
            "registration": PartnerUnit.Registration.PENDING,
            "registered_by": applicant,
            "registered_at": now - timedelta(days=1),
        },
    )
    out.write(
        f"  {ServicePost.objects.count()} service posts, {InServiceMember.objects.count()} in-service members, "
        f"{FeedbackSheet.objects.count()} feedback sheets, "
        f"{PartnerUnit.objects.filter(registration=PartnerUnit.Registration.PENDING).count()} unit registration waiting"
    )


def _service_this_year(members):
    """Each in-service member attended two of this year's past activities (the demo's own)."""
    year_start = timezone.make_aware(datetime(timezone.localdate().year, 1, 1))
    past = list(
        Activity.objects.filter(starts_at__gte=year_start, starts_at__lt=timezone.now())
        .exclude(status=Activity.Status.CANCELLED)
        .order_by("starts_at")[:12]
    )
    for index, member in enumerate(members.values()):
        for activity in past[index * 2 : index * 2 + 2]:
            SignUp.objects.get_or_create(
                activity=activity,
                person=member.person,
                status=SignUp.Status.SIGNED_UP,
                defaults={"attended": True, "checked_in_at": activity.starts_at},
            )


def _last_year_sheet(members, staff):
    """Last year: 市委党校 hosted two services its members attended; the community wrote their evaluations, the
    members saw them, and the unit's sheet is ready to print."""
    year = timezone.localdate().year - 1
    unit = PartnerUnit.objects.get(name="市委党校")
    for month, day, title in [(6, 14, "党员进社区·垃圾分类宣传"), (11, 15, "党员进社区·政策宣讲")]:
        start = timezone.make_aware(datetime(year, month, day, 9, 0))
        activity, _created = Activity.objects.get_or_create(
            partner_unit=unit,
            title=title,
            starts_at=start,
            defaults={
                "team": None,
                "audience": Activity.Audience.RESIDENTS,
                "description": "市委党校在职党员到社区开展志愿服务。",
                "ends_at": start + timedelta(hours=2),
                "signup_deadline": start - timedelta(hours=12),
                "place": "新时代文明实践站",
                "capacity": 30,
                "status": Activity.Status.COMPLETED,
            },
        )
        for login in EVALUATIONS:
            SignUp.objects.get_or_create(
                activity=activity,
                person=members[login].person,
                status=SignUp.Status.SIGNED_UP,
                defaults={"attended": True, "checked_in_at": start},
            )
    for login, (evaluation, remark) in EVALUATIONS.items():
        member = members[login]
        if not FeedbackSheet.objects.filter(member=member, year=year).exists():
            sheet = FeedbackSheet.write(member=member, year=year, evaluation=evaluation, by=staff)
            sheet.acknowledge(by=member.person, remark=remark)


# The grids' duty phones (fictional numbers).
DUTY_PHONES = {
    "第一网格": "13907146101",
    "第二网格": "13907146102",
    "第三网格": "13907146103",
    "第四网格": "13907146104",
}

# A year of themes, by month: (theme, priority, what the summary says was done, photo scene).
THEMES = {
    1: (
        "新春走访送温暖",
        "service",
        "支部党员分组走访网格里的独居老人和困难家庭，送去春联和米面油，记下了三户需要帮忙的事。",
        "wish",
    ),
    2: (
        "学习党章守初心",
        "study",
        "集中学习党章，每位党员结合自己在楼栋里的服务谈了体会，新党员重温了入党誓词。",
        "study",
    ),
    3: (
        "学雷锋 做表率",
        "service",
        "党员在社区广场摆摊义务理发、量血压、修小家电，为六十多位居民提供了服务。",
        "volunteers",
    ),
    4: ("清明文明祭扫宣传", "civilised", "党员进楼栋发放文明祭扫倡议书，劝导居民不在小区焚烧纸钱。", "volunteers"),
    5: (
        "垃圾分类我先行",
        "environment",
        "党员在各单元门口值守分类垃圾桶，手把手教居民分类投放，清理了两处卫生死角。",
        "bins",
    ),
    6: ("防范电信诈骗进楼栋", "safety", "支部请社区民警讲了常见的电信诈骗手法，党员带着宣传单逐户提醒老人。", "study"),
    7: (
        "七一重温入党誓词",
        "study",
        "全体党员重温入党誓词，为入党五十年的老党员佩戴纪念章，听老党员讲过去的故事。",
        "study",
    ),
    8: ("背街小巷环境整治", "environment", "党员和居民一起清理背街小巷的杂物和小广告，给新装的路灯做了登记。", "alley"),
    9: (
        "消防安全大排查",
        "safety",
        "党员分组检查楼道堆物和电动车充电，清出楼道杂物，劝导居民不在楼内充电。",
        "corridor",
    ),
    10: ("重阳敬老 邻里同心", "service", "党员为网格里八十岁以上的老人送去重阳糕，陪老人聊天、打扫卫生。", "feast"),
    11: ("创文路上党员先行", "civilised", "党员在路口劝导文明出行，整理乱停放的共享单车，清理了楼道小广告。", "tidy"),
    12: ("冬季防火进万家", "safety", "党员逐户检查取暖设备和电线，发放防火提示，帮老人更换老化的插线板。", "corridor"),
}
# (branch, months back) with no party day: the month shows as missed.
MISSED = {("第三网格党支部", 4)}
# The last held party day of these branches became a 党群动态 article: published for one, a draft for the other.
PUBLISHED_ARTICLE, DRAFT_ARTICLE = "第一网格党支部", "第二网格党支部"
PHOTO_MONTHS = 3  # the most recent held party days carry photos


def _months_back(today, back):
    index = today.year * 12 + today.month - 1 - back
    return index // 12, index % 12 + 1


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def party_days(out):
    """Each branch's party days of the past twelve months (most held, with photos and summaries, one month missed in
    one branch) and the next ones planned with sign-ups open; one summary became a published 党群动态 article and
    one a draft. The grids get their duty phones."""
    for grid_name, phone in DUTY_PHONES.items():
        Grid.objects.filter(name=grid_name, duty_phone="").update(duty_phone=phone)
    now = timezone.now()
    today = timezone.localdate()
    created = 0
    for seed, branch in enumerate(PartyBranch.objects.select_related("secretary").order_by("grid__order")):
        members = list(
            PartyMembership.objects.filter(branch=branch, status=PartyMembership.Status.CONFIRMED).values_list(
                "member_id", flat=True
            )
        )
        last_held = None
        for back in range(12, 0, -1):
            year, month = _months_back(today, back)
            if (branch.name, back) in MISSED:
                continue
            day = first_saturday(year, month)
            party_day, new = _held_party_day(branch, day, members, with_photo=back <= PHOTO_MONTHS, seed=seed * 100)
            created += new
            last_held = party_day
        for ahead in (0, 1):
            year, month = _months_back(today, -ahead)
            day = first_saturday(year, month)
            if day > today and not PartyDay.objects.filter(activity__branch=branch, activity__starts_at__date=day):
                theme, priority, _done, _scene = THEMES[month]
                PartyDay.plan(
                    branch=branch,
                    by=branch.secretary,
                    day=day,
                    start=time(9),
                    end=time(11),
                    theme=theme,
                    priority=priority,
                    place="社区党群服务中心二楼会议室",
                    capacity=40,
                    signup_deadline=_at(day - timedelta(days=1), 18),
                )
                created += 1
        if last_held is not None and last_held.article_id is None and branch.name in (PUBLISHED_ARTICLE, DRAFT_ARTICLE):
            article = last_held.draft_article(by=branch.secretary)
            if branch.name == PUBLISHED_ARTICLE:
                article.publish(when=min(now, last_held.summary_at + timedelta(days=1)))
    out.write(f"  {PartyDay.objects.count()} party days ({created} new), duty phones for {len(DUTY_PHONES)} grids")


def _held_party_day(branch, day, members, *, with_photo, seed):
    """A branch's party day on ``day`` that was held: its members checked in, the check-in closed, its summary."""
    existing = PartyDay.objects.filter(activity__branch=branch, activity__starts_at__date=day).first()
    if existing is not None:
        return existing, 0
    theme, priority, done, scene = THEMES[day.month]
    activity = Activity.objects.create(
        branch=branch,
        audience=Activity.Audience.PARTY_MEMBERS,
        title=f"{branch.name}{day.month}月主题党日：{theme}"[:60],
        description=f"主题党日：{theme}。请支部党员准时参加。",
        starts_at=_at(day, 9),
        ends_at=_at(day, 11),
        place="社区党群服务中心二楼会议室",
        capacity=40,
        signup_deadline=_at(day - timedelta(days=1), 18),
        status=Activity.Status.COMPLETED,
        checkin_closed_at=_at(day, 11),
        checkin_closed_by=branch.secretary,
    )
    for index, member_id in enumerate(members):
        SignUp.objects.create(
            activity=activity,
            person_id=member_id,
            attended=index % 5 != 4,  # one in five could not come
            checked_in_at=_at(day, 9) if index % 5 != 4 else None,
            code=f"{index + 1:06d}",
        )
    party_day = PartyDay.objects.create(
        activity=activity,
        theme=theme,
        priority=priority,
        summary=f"{day.month}月{day.day}日上午，{branch.name}开展“{theme}”主题党日活动。\n\n{done}",
        summary_by=branch.secretary,
        summary_at=_at(day, 15),
    )
    if with_photo:
        upload = SimpleUploadedFile(f"{scene}.jpg", draw_scene(scene, seed + day.month), content_type="image/jpeg")
        party_day.photos.add(store_upload(upload, alt=f"{branch.name}主题党日：{theme}", uploaded_by=branch.secretary))
    return party_day, 1
