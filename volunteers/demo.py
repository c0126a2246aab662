"""Demo volunteering: ten teams, six workstations, about two hundred volunteers, partner units, activities.

Idempotent (natural keys: names, usernames, activity title and start). All
people are fictional. Past activities come with their attendance and hours
as history; from then on, everything goes through the models' methods.
"""

import random
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community.demo import ensure_account, plain_account
from community.demo_pictures import draw_scene
from community.images import store_upload
from community.models import User
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
    Workstation,
)

TEAMS = [
    ("爱心助老协会", "陪伴独居和高龄老人：定期上门探望、代买药品、陪同就医，节假日一起包饺子。", "0714-6200101"),
    ("卫生保洁协会", "清理楼道和背街小巷的卫生死角，宣传垃圾分类，每周三下午进楼栋。", "0714-6200102"),
    ("科普协会", "举办科普讲座，教老人识别电信诈骗、用好智能手机。", "0714-6200103"),
    ("文体协会", "腰鼓队、合唱队、太极拳队，组织邻里节和节日文艺演出。", "0714-6200104"),
    ("安保服务协会", "夜间巡逻、检查消防通道、节假日值守，守护社区平安。", "0714-6200105"),
    ("志愿者协会", "统筹全社区的志愿服务，组织每月的社区爱心互助日和一年一度的志愿者服务周。", "0714-6200106"),
    ("妇女维权协会", "为妇女儿童提供法律咨询和心理疏导，调解家庭矛盾。", "0714-6200107"),
    ("残疾人服务协会", "帮助残疾人办理证件和补贴，组织康复活动和技能培训。", "0714-6200108"),
    ("计划生育协会", "宣传优生优育知识，关爱独生子女家庭和困难家庭。", "0714-6200109"),
    ("关心下一代工作协会", "开展假期课堂、作业辅导和青少年安全教育。", "0714-6200110"),
]

# (name, leader username, leader display name, services, place, description, weekly hours)
WORKSTATIONS = [
    (
        "周大姐调解服务室",
        "zhoudajie",
        "周桂芳",
        "调解邻里纠纷、调解家庭矛盾、帮助写协议",
        "社区党群服务中心一楼101室",
        "周大姐在社区做了二十年调解工作，楼上漏水、停车纠纷、家长里短，大家都愿意找她说一说。",
        [(0, "09:00", "11:30"), (2, "09:00", "11:30"), (4, "14:30", "17:00")],
    ),
    (
        "许大妈谈心说事服务室",
        "stationleader",
        "许玉兰",
        "谈心疏导、说事议事、反映民情",
        "社区党群服务中心二楼谈心室",
        "退休教师许大妈牵头，有烦心事可以来坐坐，说出来心里就亮堂了。",
        [(1, "09:00", "11:30"), (3, "14:30", "17:00"), (5, "09:00", "11:00")],
    ),
    (
        "秦老师爱心敲门工作室",
        "qinlaoshi",
        "秦建国",
        "敲门探望独居老人、帮助老人办事、紧急联络",
        "团结巷5栋一楼",
        "每周敲一遍独居老人的门，看看身体、问问需要，有事第一时间联系家属和社区。",
        [(0, "14:30", "17:00"), (3, "09:00", "11:30")],
    ),
    (
        "郑医生健康小屋",
        "zhengyisheng",
        "郑淑华",
        "量血压测血糖、健康咨询、慢病用药提醒",
        "社区卫生服务站旁健康小屋",
        "退休护士长郑医生坐诊，免费量血压、测血糖，讲讲慢病怎么管。",
        [(1, "08:30", "11:00"), (4, "08:30", "11:00")],
    ),
    (
        "汪师傅便民维修工作室",
        "wangshifu",
        "汪德明",
        "修小家电、换灯泡和水龙头、磨剪刀",
        "朝阳路8栋门面",
        "小修小补不收钱，材料按进价。行动不便的老人可以预约上门。",
        [(5, "09:00", "12:00"), (6, "09:00", "12:00")],
    ),
    (
        "林律师法律咨询室",
        "linlvshi",
        "林文静",
        "法律咨询、帮写材料、协助申请法律援助",
        "社区党群服务中心一楼103室",
        "执业律师林文静义务坐班，遗产继承、房屋租赁、劳动纠纷都可以来问。",
        [(2, "14:30", "17:00")],
    ),
]

PARTNER_UNITS = [
    ("市委党校", "school", "常年在社区开展认领微心愿、垃圾分类宣传、走访慰问等志愿服务。"),
    ("区医保局", "government", "党员干部认领居民生活物资类微心愿，上门讲解医保政策。"),
    ("区建设局", "government", "负责背街小巷和道路的提质改造，响应“红哨子”处理道路设施问题。"),
    ("区委组织部", "government", "社区的挂点联系单位，指导党建引领社区治理。"),
    ("区公共就业和人才服务局", "government", "为居民提供就业信息和技能培训。"),
    ("供电公司江滨供电所", "enterprise", "整治辖区空中线路，处理照明和用电安全问题。"),
    ("移动公司江滨营业部", "enterprise", "整治辖区主次干道的空中网线，帮助老人用好智能手机。"),
]

# Other members of partner units (they do not log in in the demo).
PARTNER_MEMBERS = [
    ("市委党校", "dangxiao2", "卢文博"),
    ("区医保局", "yibaoju1", "任海燕"),
    ("区建设局", "jianshe1", "覃志刚"),
    ("供电公司江滨供电所", "gongdian1", "熊立军"),
    ("移动公司江滨营业部", "yidong1", "龚晓丽"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "秀英",
    "桂兰",
    "建国",
    "志强",
    "淑芬",
    "海燕",
    "丽娟",
    "文华",
    "红梅",
    "国庆",
    "春生",
    "玉珍",
    "德明",
    "小红",
    "晓东",
    "静",
    "磊",
    "敏",
    "勇",
    "涛",
    "芳",
    "军",
    "杰",
    "娜",
    "伟",
    "霞",
    "刚",
    "琳",
    "鑫",
    "欣怡",
    "子涵",
    "浩然",
    "雨轩",
    "明辉",
    "凤英",
    "金华",
    "慧敏",
    "爱华",
    "永红",
    "振华",
]
SKILLS = [
    "理发",
    "修家电",
    "会开车",
    "懂法律",
    "会做饭",
    "电脑维修",
    "唱歌跳舞",
    "书法",
    "护理",
    "心理疏导",
    "英语辅导",
    "",
]
AVAILABILITY = ["周末上午", "周末全天", "工作日晚上", "随时", "周三下午", "每月第一个周六"]

# (team, title, place, weekday offset pattern handled below, hours, capacity)
ACTIVITY_TEMPLATES = [
    ("志愿者协会", "社区爱心互助日", "社区广场", 3, 30),
    ("卫生保洁协会", "背街小巷大扫除", "团结巷", 2, 15),
    ("爱心助老协会", "陪独居老人过生日", "社区老年活动室", 2, 10),
    ("科普协会", "防范电信诈骗讲座", "社区党群服务中心会议室", 2, 20),
    ("文体协会", "腰鼓队排练", "社区广场", 2, 25),
    ("安保服务协会", "夜间巡逻", "全社区", 3, 8),
    ("关心下一代工作协会", "假期作业辅导课堂", "社区图书室", 2, 12),
    ("爱心助老协会", "上门理发服务", "老市委外院小区", 3, 6),
    ("科普协会", "教老人用智能手机", "社区党群服务中心二楼", 2, 10),
    ("妇女维权协会", "家庭教育讲座", "社区党群服务中心会议室", 2, 20),
]


def _people(count, rng):
    names = set()
    while len(names) < count:
        names.add(rng.choice(SURNAMES) + rng.choice(GIVEN))
    return sorted(names)


def _photo(scene, seed, alt):
    upload = SimpleUploadedFile(f"{scene}.jpg", draw_scene(scene, seed), content_type="image/jpeg")
    return store_upload(upload, alt=alt)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def load(out):
    rng = random.Random(2026)
    staff = User.objects.filter(username="staff").first()
    teams = {}
    for order, (name, description, phone) in enumerate(TEAMS, start=1):
        teams[name], created = Team.objects.get_or_create(
            name=name, defaults={"description": description, "office_phone": phone, "order": order}
        )
        if created and order <= 4:
            teams[name].logo = _photo(["volunteers", "bins", "study", "feast"][order - 1], order, name)
            teams[name].save(update_fields=["logo"])

    for order, (name, username, leader_name, services, place, description, hours) in enumerate(WORKSTATIONS, start=1):
        leader = (
            ensure_account(username, leader_name)
            if username == "stationleader"
            else plain_account(username, leader_name)
        )
        station, created = Workstation.objects.get_or_create(
            name=name,
            defaults={
                "leader": leader,
                "services": services,
                "place": place,
                "description": description,
                "order": order,
            },
        )
        if created:
            OpeningHours.objects.bulk_create(
                OpeningHours(workstation=station, weekday=day, start=time.fromisoformat(s), end=time.fromisoformat(e))
                for day, s, e in hours
            )

    units = {}
    for name, kind, description in PARTNER_UNITS:
        units[name], _created = PartnerUnit.objects.get_or_create(
            name=name, defaults={"kind": kind, "description": description}
        )
    partner = ensure_account("partner", "郑立新")
    PartnerMembership.objects.get_or_create(unit=units["市委党校"], user=partner, defaults={"added_by": staff})
    for unit_name, username, name in PARTNER_MEMBERS:
        member = plain_account(username, name)
        PartnerMembership.objects.get_or_create(unit=units[unit_name], user=member, defaults={"added_by": staff})

    volunteers = _volunteers(rng, teams, staff)
    made = _activities(rng, teams, volunteers, staff)
    _work_waiting(teams["爱心助老协会"], volunteers)
    _events(rng, teams, units, staff)
    out.write(
        f"  {Team.objects.count()} teams, {Workstation.objects.count()} workstations, "
        f"{Volunteer.objects.approved().count()} volunteers, {PartnerUnit.objects.count()} partner units, "
        f"{Activity.objects.count()} activities ({made} new)"
    )


def _volunteers(rng, teams, staff):
    """Two demo logins (a volunteer and a team leader) and about two hundred other volunteers."""
    now = timezone.now()
    team_list = list(teams.values())
    people = [("volunteer", "孙丽萍", "爱心助老协会", False), ("leader", "何建军", "爱心助老协会", True)]
    people += [(f"v{index:03d}", name, None, False) for index, name in enumerate(_people(200, rng))]
    volunteers = []
    for index, (username, name, team_name, leads) in enumerate(people):
        user = ensure_account(username, name) if index < 2 else plain_account(username, name)
        volunteer, created = Volunteer.objects.get_or_create(
            user=user,
            defaults={
                "real_name": name,
                "phone": f"139{7100_0000 + index * 37:08d}",
                "skills": rng.choice(SKILLS),
                "availability": rng.choice(AVAILABILITY),
                "terms_accepted_at": now - timedelta(days=300),
                "status": Volunteer.Status.APPROVED,
                "decided_at": now - timedelta(days=290),
                "decided_by": staff,
                "show_on_honour_roll": index % 3 == 0,
            },
        )
        volunteers.append(volunteer)
        if created:
            home = teams[team_name] if team_name else team_list[index % len(team_list)]
            TeamMembership.objects.create(
                team=home,
                volunteer=volunteer,
                status=TeamMembership.Status.ACCEPTED,
                is_leader=leads or (index >= 2 and index < 2 + len(team_list)),
            )
            if index % 4 == 0:
                other = team_list[(index + 3) % len(team_list)]
                if other != home:
                    TeamMembership.objects.create(
                        team=other, volunteer=volunteer, status=TeamMembership.Status.ACCEPTED
                    )
    # A few applications waiting for review, for the staff page.
    for index, name in enumerate(["钱晓梅", "邓志远", "韩春燕"]):
        user = plain_account(f"applicant{index}", name)
        Volunteer.objects.get_or_create(
            user=user,
            defaults={
                "real_name": name,
                "phone": f"137{5550_0000 + index:08d}",
                "skills": SKILLS[index],
                "terms_accepted_at": now,
                "status": Volunteer.Status.APPLIED,
            },
        )
    return volunteers


def _activities(rng, teams, volunteers, staff):
    """Past activities (with attendance and hours) over the last months, and upcoming ones with places."""
    today = timezone.localdate()
    made = 0
    members = {}
    for membership in TeamMembership.objects.filter(status=TeamMembership.Status.ACCEPTED).select_related("volunteer"):
        members.setdefault(membership.team_id, []).append(membership.volunteer)
    for week in range(-16, 4):
        for slot, (team_name, title, place, length, capacity) in enumerate(ACTIVITY_TEMPLATES):
            if (week + slot) % 3:
                continue
            day = today + timedelta(days=week * 7 + slot % 7 - 3)
            start = _at(day, 9 if slot % 2 else 14, 30 if slot % 3 == 0 else 0)
            team = teams[team_name]
            activity, created = Activity.objects.get_or_create(
                team=team,
                title=title,
                starts_at=start,
                defaults={
                    "description": f"{team.description}\n\n本次活动：{title}。请穿好志愿者马甲，提前十分钟到场签到。",
                    "ends_at": start + timedelta(hours=length),
                    "place": place,
                    "capacity": capacity,
                    "signup_deadline": start - timedelta(hours=12),
                },
            )
            if not created:
                continue
            made += 1
            pool = members.get(team.pk, []) or volunteers
            if start < timezone.now():
                attendees = rng.sample(pool, min(len(pool), rng.randint(capacity // 2, capacity)))
                SignUp.objects.bulk_create(
                    SignUp(activity=activity, volunteer=v, attended=True, checked_in_at=start, checked_in_by=staff)
                    for v in attendees
                )
                ServiceHourRecord.objects.bulk_create(
                    ServiceHourRecord(
                        volunteer=v,
                        activity=activity,
                        hours=activity.duration_hours,
                        served_on=day,
                        kind=ServiceHourRecord.Kind.ATTENDANCE,
                        recorded_by=staff,
                    )
                    for v in attendees
                )
                Activity.objects.filter(pk=activity.pk).update(
                    status=Activity.Status.COMPLETED, checkin_closed_at=activity.ends_at, checkin_closed_by=staff
                )
            elif activity.signup_deadline > timezone.now():
                for volunteer in rng.sample(pool, min(len(pool), capacity // 3)):
                    activity.sign_up(volunteer=volunteer)
    return made


# Events for residents across the next month: (days from today, hour, title, audience, host, place, hours,
# capacity, how many signed up). The 健康讲座 is full, with a waiting list.
EVENTS = [
    (3, 9, "健康讲座：冬季老年人心脑血管保健", "residents", ("unit", "区医保局"), "社区党群服务中心会议室", 2, 12, 15),
    (6, 8, "义诊进社区：量血压、测血糖", "residents", ("community", None), "社区广场东侧", 3, 40, 18),
    (10, 14, "科普进家庭：防范电信诈骗", "residents", ("team", "科普协会"), "社区党群服务中心二楼", 2, 30, 9),
    (17, 15, "邻里节：百家游园会", "everyone", ("community", None), "社区广场", 3, 120, 46),
    (27, 11, "千家宴：邻里一家亲", "everyone", ("team", "爱心助老协会"), "社区文化广场", 3, 80, 31),
]


def _events(rng, teams, units, staff):
    """Resident events across the next month, with residents signed up (and waiting for the full one)."""
    today = timezone.localdate()
    people = [plain_account(f"jumin{n:03d}", name) for n, name in enumerate(_people(60, random.Random(1616)), start=1)]
    for days, hour, title, audience, (kind, host), place, length, capacity, signed in EVENTS:
        start = _at(today + timedelta(days=days), hour)
        event, created = Activity.objects.get_or_create(
            title=title,
            defaults={
                "description": f"{title}。欢迎居民参加，登录后点“我要报名”；不方便上网的请打电话给社区，工作人员代为报名。"
                "到场时出示“我的”里的签到码。",
                "audience": audience,
                "team": teams.get(host) if kind == "team" else None,
                "partner_unit": units.get(host) if kind == "unit" else None,
                "starts_at": start,
                "ends_at": start + timedelta(hours=length),
                "signup_deadline": start - timedelta(hours=12),
                "place": place,
                "capacity": capacity,
            },
        )
        if not created:
            continue
        for person in rng.sample(people, signed):
            event.sign_up(person=person)
        # The demo resident (community's demo) finds her check-in code for the 科普进家庭 talk on 我的.
        resident = User.objects.filter(username="resident").first()
        if title.startswith("科普进家庭") and resident is not None:
            event.sign_up(person=resident)
        if kind == "community" and staff is not None:
            event.sign_up(by=staff, contact_name="龚桂英", contact_phone="13700000101")


def _work_waiting(leaders_team, volunteers):
    """What the demo's leaders and resident find on 我的: a volunteer asking to join the demo leader's team,
    appointments for the demo workstation's leader to confirm, and a new time for the demo resident to accept."""
    if not TeamMembership.objects.filter(team=leaders_team, status=TeamMembership.Status.REQUESTED).exists():
        members = set(leaders_team.memberships.values_list("volunteer_id", flat=True))
        asking = next((v for v in volunteers[2:] if v.pk not in members), None)
        if asking:
            TeamMembership.request(team=leaders_team, volunteer=asking)
    station = Workstation.objects.filter(leader__username="stationleader").first()
    if station is None or station.appointments.exists():
        return
    days = _opening_days(station, count=3)
    if not days:
        return
    asks = [
        ("resident2", "彭桂英", "楼上装修的噪音从早响到晚，想请许大妈帮忙和邻居说和说和。"),
        ("neighbour_tang", "唐秀珍", "老伴退休后总闷在家里，想来聊聊怎么让他多出门走走。"),
    ]
    for (username, name, topic), (day, hours) in zip(asks, days, strict=False):
        Appointment.request(
            workstation=station,
            resident=plain_account(username, name),
            day=day,
            start=hours.start,
            end=_half_an_hour_after(hours.start),
            topic=topic,
        )
    day, hours = days[-1]
    asked = Appointment.request(
        workstation=station,
        resident=ensure_account("resident", "刘淑芬"),
        day=day,
        start=hours.start,
        end=_half_an_hour_after(hours.start),
        topic="孙子想报社区的暑期托管班，想问问怎么报名。",
    )
    later = _half_an_hour_after(hours.start)
    asked.propose(
        by=station.leader,
        day=day,
        start=later,
        end=_half_an_hour_after(later),
        reply="前半个小时已经有人约了，往后挪半小时可以吗？",
    )


def _opening_days(station, *, count):
    """The workstation's next ``count`` opening days after today, with their opening hours."""
    hours = {opening.weekday: opening for opening in station.opening_hours.all()}
    if not hours:
        return []
    found, day = [], timezone.localdate()
    while len(found) < count:
        day += timedelta(days=1)
        if day.weekday() in hours:
            found.append((day, hours[day.weekday()]))
    return found


def _half_an_hour_after(moment):
    return (datetime.combine(date.today(), moment) + timedelta(minutes=30)).time()
