"""Demo wishes in every state, with fictional residents, moved through the real lifecycle methods.

Idempotent: a wish is found by its title. After each wish has lived its
story, its timeline is spread over the past days so that the demo reads like
a real month (a demo-only rewrite of timestamps; no status is set by hand).
"""

from datetime import timedelta

from django.utils import timezone

from community.demo import ensure_account, last_notification_id, plain_account
from community.models import Building, Notification, User
from volunteers.models import PartnerUnit, Volunteer
from wishes.models import Wish, WishError, WishTransition

# (title, description, category, building, resident, story, days ago). The resident is a demo
# login key, a display name, or "onbehalf:<name>" for a wish staff entered (代录). The story is
# the moves after submission as "verb:detail" (claim:volunteer, claim:unit:<name>, fulfil:<note> …).
WISHES = [
    (
        "需要一袋大米和食用油",
        "老伴住院了，我一个人腿脚不便，家里米和油快吃完了，想请人帮忙买一袋10斤的大米和一桶油送上楼，钱我来付。",
        Wish.Category.GOODS,
        "团结巷3栋",
        "resident",
        [
            "publish",
            "claim:unit:区医保局",
            "fulfil:米和油已经送到家里，帮老人放进了厨房。",
            "confirm:谢谢医保局的同志，大热天还送上五楼！",
        ],
        12,
    ),
    (
        "楼道灯坏了，想请人帮忙换",
        "我住三楼，楼道灯坏了快一个月，晚上上下楼看不见，想请会电工的师傅帮忙换个灯泡，灯泡我已经买好了。",
        Wish.Category.REPAIR,
        "朝阳路2栋",
        "罗秀兰",
        ["publish", "claim:volunteer", "fulfil:灯泡已经换好，顺便检查了二楼和四楼的灯。"],
        6,
    ),
    (
        "希望有人陪我去医院复查",
        "下周四上午要去市中心医院复查眼睛，孩子在外地，想请一位志愿者陪我去，帮忙挂号、排队。",
        Wish.Category.HEALTH,
        "人民街5栋",
        "宋玉梅",
        ["publish", "claim:demo-volunteer"],
        3,
    ),
    (
        "想学用智能手机视频通话",
        "孙女在外地上大学，想学会用手机和她视频，请有耐心的志愿者教我几次。",
        Wish.Category.TUTORING,
        "纺织一路2栋",
        "韩德胜",
        ["publish"],
        2,
    ),
    (
        "孙子的数学作业没人辅导",
        "孙子上四年级，数学应用题总是做错，我看不懂，想请人每周辅导一两次。",
        Wish.Category.TUTORING,
        "纺织二路4栋",
        "黎凤英",
        ["publish"],
        4,
    ),
    (
        "家里的老式收音机坏了",
        "用了二十多年的收音机突然没声音了，每天靠它听戏，想请人看看还能不能修。",
        Wish.Category.REPAIR,
        "老市委外院3栋",
        "顾长海",
        ["publish"],
        1,
    ),
    (
        "每周有人陪我聊聊天",
        "老伴走了以后一个人住，白天没人说话，希望每周有人来坐坐、聊聊天。",
        Wish.Category.COMPANY,
        "团结巷8栋",
        "毛桂芝",
        ["publish", "claim:unit:市委党校"],
        5,
    ),
    (
        "冬天需要一床厚棉被",
        "家里的被子太薄，冬天晚上冷得睡不着，想要一床厚一点的棉被。",
        Wish.Category.GOODS,
        "人民街2栋",
        "resident2",
        ["publish", "claim:volunteer", "fulfil:新棉被已送到，还帮忙铺好了床。", "confirm:被子很暖和，谢谢志愿者！"],
        20,
    ),
    (
        "想请人帮忙把旧衣服捐出去",
        "整理出两大袋八成新的旧衣服，想捐给需要的人，但拿不动，请人帮忙送到捐赠点。",
        Wish.Category.OTHER,
        "朝阳路6栋",
        "邵金花",
        [],
        0,
    ),
    (
        "帮忙修一下漏水的水龙头",
        "厨房水龙头一直滴水，老人不会修。",
        Wish.Category.REPAIR,
        "团结巷10栋",
        "onbehalf:张奶奶",
        [],
        0,
    ),
    (
        "推荐个靠谱的钟点工",
        "想找个钟点工每周来打扫两次卫生。",
        Wish.Category.OTHER,
        "纺织一路5栋",
        "万建华",
        ["reject:钟点工属于有偿服务，不在微心愿的范围内。可以看看社区的“十五分钟便民服务圈”。"],
        8,
    ),
    (
        "需要轮椅借用一个月",
        "脚扭伤了，医生说要休养一个月，想借一台轮椅。",
        Wish.Category.HEALTH,
        "人民街7栋",
        "严小平",
        ["publish", "withdraw"],
        9,
    ),
    (
        "想要几盆花装点阳台",
        "阳台空荡荡的，想种几盆好养的花，看着心里高兴。",
        Wish.Category.OTHER,
        "朝阳路9栋",
        "武丽华",
        ["publish", "claim:volunteer", "release:这周要出差，怕耽误了，让别的志愿者来吧。"],
        7,
    ),
    (
        "帮忙买一个月的降压药",
        "降压药吃完了，腿不好去不了药店，想请人帮忙去社区卫生站开一个月的药。",
        Wish.Category.HEALTH,
        "老市委外院1栋",
        "戴国平",
        [
            "publish",
            "claim:unit:区医保局",
            "fulfil:药已经开好送到，跟老人讲了吃法。",
            "confirm:医保局的小伙子还帮我问清楚了报销，太好了。",
        ],
        25,
    ),
    (
        "阳台晾衣架摇不动了",
        "阳台的升降晾衣架摇到一半就卡住，衣服晾不上去，想请懂行的人帮忙看看。",
        Wish.Category.REPAIR,
        "团结巷3栋",
        "resident",
        [
            "publish",
            "claim:demo-volunteer",
            "fulfil:上了润滑油，晾衣架能摇上去了。",
            "not_resolved:摇上去以后左边的钢丝还是松的，衣服一多就往下滑。",
        ],
        4,
    ),
    (
        "需要人帮忙搬旧家具下楼",
        "换了新床，旧床架和衣柜想搬下楼处理，家里只有我和老伴。",
        Wish.Category.OTHER,
        "纺织二路1栋",
        "莫志勇",
        ["publish", "close:物业已经安排统一清运大件垃圾，不需要志愿者了。"],
        10,
    ),
]


def load(out):
    staff = User.objects.get(username="staff")
    gridworker = User.objects.filter(username="gridworker").first() or staff
    residents = {"resident": ensure_account("resident", "刘淑芬"), "resident2": plain_account("resident2", "彭桂英")}
    volunteers = [v.user for v in Volunteer.objects.approved().select_related("user").order_by("pk")[2:30]]
    demo_volunteer = User.objects.get(username="volunteer")
    made = 0
    for index, (title, description, category, building_name, who, story, days_ago) in enumerate(WISHES):
        if Wish.objects.filter(title=title).exists():
            continue
        building = Building.objects.get(name=building_name)
        fields = {
            "title": title,
            "description": description,
            "category": category,
            "building": building,
            "needed_by": timezone.localdate() + timedelta(days=7 + index % 10),
            "contact_phone": f"1358888{index:04d}",
            "contact_address": f"{building_name}{1 + index % 3}单元{(2 + index % 5)}0{1 + index % 2}",
            "health_consent": category == Wish.Category.HEALTH,
        }
        # The last notification before each step, so that each step's messages can be dated with it.
        marks = [last_notification_id()]
        if who.startswith("onbehalf:"):
            wish = Wish.submit(
                by=gridworker,
                on_behalf=True,
                resident_name=who.split(":", 1)[1],
                consent_note="居民到服务中心当面同意登记",
                **fields,
            )
        else:
            owner = residents.get(who) or plain_account(f"wisher{index}", who)
            wish = Wish.submit(by=owner, **fields)
        marks.append(last_notification_id())
        helper = volunteers[index % len(volunteers)]
        try:
            helper = _tell(wish, story, helper=helper, staff=staff, demo_volunteer=demo_volunteer, marks=marks)
        except WishError as refused:
            # On a demo someone has clicked around in (a volunteer at the claim limit), the story stops there.
            out.write(f"  {title}: {refused}")
        _spread_history(wish, days_ago, marks)
        made += 1
    out.write(f"  {Wish.objects.count()} wishes ({made} new)")


def _tell(wish, story, *, helper, staff, demo_volunteer, marks):
    """Move a demo wish through its story's steps with the real verbs; each step's last message id goes to marks."""
    for step in story:
        verb, _sep, rest = step.partition(":")
        if verb == "publish":
            wish.publish(by=staff)
        elif verb == "reject":
            wish.reject(by=staff, reason=rest)
        elif verb == "withdraw":
            wish.withdraw(by=wish.owner)
        elif verb == "close":
            wish.close(by=staff, reason=rest)
        elif verb == "claim":
            if rest.startswith("unit:"):
                unit = PartnerUnit.objects.get(name=rest[5:])
                member = unit.members.first()
                wish.claim(by=member, unit=unit)
                helper = member
            elif rest == "demo-volunteer":
                wish.claim(by=demo_volunteer)
                helper = demo_volunteer
            else:
                wish.claim(by=helper)
        elif verb == "fulfil":
            wish.fulfil(by=helper, note=rest)
        elif verb == "confirm":
            wish.confirm(by=wish.owner, thanks=rest)
        elif verb == "release":
            wish.release(by=helper, reason=rest)
        elif verb == "not_resolved":
            wish.not_resolved(by=wish.owner, note=rest)
        marks.append(last_notification_id())
    return helper


def _spread_history(wish, days_ago, marks):
    """Spread a demo wish's timeline over the days since it was posted (oldest step first).

    The messages each step sent are dated with the step; all but the last step's count as read,
    so that nobody's inbox asks them to act on a wish that has moved on.
    """
    start = timezone.now() - timedelta(days=days_ago, hours=3)
    steps = list(wish.transitions.order_by("id"))
    gap = timedelta(days=days_ago) / max(len(steps), 1) if days_ago else timedelta(minutes=20)
    for number, step in enumerate(steps):
        WishTransition.objects.filter(pk=step.pk).update(created=start + gap * number)
    when, first = {}, {}  # the latest and the first time the wish reached each status
    for number, step in enumerate(steps):
        when[step.to_status] = start + gap * number
        first.setdefault(step.to_status, when[step.to_status])
    Wish.objects.filter(pk=wish.pk).update(
        created=start,
        published_at=when.get("published"),
        fulfilled_at=when.get("fulfilled") if wish.fulfilled_at else None,  # cleared by 还没有解决
        confirmed_at=when.get("confirmed"),
        finished_at=when.get("confirmed") or when.get("closed") or when.get("rejected") or when.get("withdrawn"),
    )
    # A claim's clock starts again when the resident says 还没有解决 (the second time it was claimed).
    wish.claims.update(created=first.get("claimed", start), counting_from=when.get("claimed", start))
    for number, (after, upto) in enumerate(zip(marks, marks[1:], strict=False)):
        at = start + gap * min(number, len(steps) - 1)
        sent = Notification.objects.filter(id__gt=after, id__lte=upto)
        if number < len(marks) - 2:
            sent.update(created=at, read_at=at + timedelta(hours=2))
        else:
            sent.update(created=at)
