"""Demo red whistles: one resolved with before/after photos and a rating, one with an overdue unit,
one in progress, and reports waiting for triage. Moved through the real methods; idempotent by title.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone

from community.demo import ensure_account, last_notification_id
from community.demo_pictures import draw_scene
from community.images import store_upload
from community.models import Building, Notification, User
from volunteers.models import PartnerUnit, Team
from whistles.models import (
    Category,
    ProblemReport,
    Whistle,
    WhistleCall,
    WhistleTransition,
    WhistleUpdate,
    deadline_text,
)


def _photo(scene, seed, alt, *, private=False):
    upload = SimpleUploadedFile(f"{scene}.jpg", draw_scene(scene, seed), content_type="image/jpeg")
    return store_upload(upload, alt=alt, private=private)


def _member(unit):
    return unit.members.first()


def _leader(team):
    membership = team.memberships.filter(is_leader=True, status="accepted").select_related("volunteer__user").first()
    return membership.volunteer.user


def load(out):
    staff = User.objects.get(username="staff")
    resident = ensure_account("resident", "刘淑芬")
    neighbour = User.objects.filter(username="resident2").first() or resident
    units = {unit.name: unit for unit in PartnerUnit.objects.all()}
    sanitation_team = Team.objects.get(name="卫生保洁协会")

    # 1. A sanitation blind spot, resolved, with before/after photos and a rating.
    if not Whistle.objects.filter(title="清理团结巷5栋楼后卫生死角").exists():
        since = last_notification_id()
        report = ProblemReport.submit(
            by=resident,
            photos=[_photo("trash", 1, "楼后堆满的垃圾", private=True)],
            category=Category.SANITATION,
            description="5栋楼后面的空地堆了好多垃圾和旧家具，夏天气味很大，还有老鼠。",
            building=Building.objects.get(name="团结巷5栋"),
            spot="楼后空地",
        )
        whistle = Whistle.blow(
            by=staff,
            units=[units["区建设局"]],
            teams=[sanitation_team],
            reports=[report],
            title="清理团结巷5栋楼后卫生死角",
            description="清运堆积的垃圾和废旧家具，平整空地，设置分类垃圾桶。",
            category=Category.SANITATION,
            building=report.building,
            spot="楼后空地",
        )
        for call in whistle.calls.select_related("unit", "team"):
            actor = _member(call.unit) if call.unit_id else _leader(call.team)
            call.report_in(by=actor, people=4 if call.unit_id else 8)
            call.mark_done(
                by=actor, note="垃圾已清运，空地已平整。" if call.unit_id else "志愿者清扫完毕，摆放了分类垃圾桶。"
            )
        whistle.close(
            by=staff,
            summary="区建设局清运垃圾和旧家具共3车，卫生保洁协会8名志愿者清扫平整，新摆放了4组分类垃圾桶和几盆绿植。",
            before_photos=[_photo("trash", 2, "处理前：楼后堆满垃圾")],
            after_photos=[_photo("tidy", 3, "处理后：空地干净整洁，摆了绿植和分类垃圾桶")],
        )
        whistle.rate(by=resident, score="satisfied", comment="干净多了，谢谢大家！")
        _backdate(whistle, days=12, since=since)

    # 2. A dark back alley: the power company reported in, the construction bureau is overdue.
    if not Whistle.objects.filter(title="修复朝阳路背街小巷路灯").exists():
        since = last_notification_id()
        report = ProblemReport.submit(
            by=neighbour,
            photos=[],
            category=Category.LIGHTING,
            description="朝阳路背街小巷晚上一片漆黑，路灯坏了好几盏，老人晚上不敢出门。",
            building=Building.objects.get(name="朝阳路4栋"),
            spot="楼后小巷",
        )
        whistle = Whistle.blow(
            by=staff,
            units=[units["供电公司江滨供电所"], units["区建设局"]],
            reports=[report],
            title="修复朝阳路背街小巷路灯",
            description="更换损坏的路灯，检查线路；巷口增设一盏照明灯。",
            category=Category.LIGHTING,
            building=report.building,
            spot="楼后小巷",
            report_in_hours=24,
        )
        power = whistle.calls.get(unit=units["供电公司江滨供电所"])
        power.report_in(by=_member(units["供电公司江滨供电所"]), people=3, note="明天上午派电工到场检查线路。")
        _backdate(whistle, days=3, since=since)

    # 3. Tangled overhead cables, in progress.
    if not Whistle.objects.filter(title="整理人民街空中乱拉的网线").exists():
        since = last_notification_id()
        whistle = Whistle.blow(
            by=staff,
            units=[units["移动公司江滨营业部"]],
            title="整理人民街空中乱拉的网线",
            description="人民街两侧楼栋之间网线乱拉、垂得很低，影响通行和安全，需要整理入管。",
            category=Category.CABLES,
            building=Building.objects.get(name="人民街3栋"),
            spot="街道上空",
            report_in_hours=48,
        )
        call = whistle.calls.get()
        call.report_in(by=_member(units["移动公司江滨营业部"]), people=5)
        call.post_update(by=_member(units["移动公司江滨营业部"]), text="已整理完北侧6栋楼之间的网线，南侧明天继续。")
        _backdate(whistle, days=1, since=since)

    # 4. Just blown: the party school is called to a cluttered stairwell and has not reported in yet.
    if not Whistle.objects.filter(title="清理人民街6栋二单元楼道堆放物").exists():
        since = last_notification_id()
        report = ProblemReport.submit(
            by=neighbour,
            photos=[_photo("trash", 5, "楼道里堆着纸箱和旧家具", private=True)],
            category=Category.SAFETY,
            description="6栋二单元楼道里堆满了纸箱和旧家具，只剩一人宽，万一着火跑都跑不出去。",
            building=Building.objects.get(name="人民街6栋"),
            spot="二单元楼道",
        )
        whistle = Whistle.blow(
            by=staff,
            units=[units["市委党校"]],
            reports=[report],
            title="清理人民街6栋二单元楼道堆放物",
            description="和住户商量后清走楼道里的纸箱和旧家具，保持消防通道畅通。",
            category=Category.SAFETY,
            building=report.building,
            spot="二单元楼道",
            report_in_hours=24,
        )
        _backdate(whistle, days=0.25, since=since)

    # 5. Reports waiting for triage: one in each grid worker's grids.
    _report_once(
        by=resident,
        photos=[],
        category=Category.SAFETY,
        description="7栋二单元的楼梯扶手松了，一推就晃，老人上下楼只能扶着墙。",
        building=Building.objects.get(name="团结巷7栋"),
        spot="二单元楼梯",
    )
    _report_once(
        by=resident,
        photos=[_photo("alley", 4, "路面坑洼", private=True)],
        category=Category.ROADS,
        description="纺织一路3栋门口路面有个大坑，下雨积水，老人差点摔倒。",
        building=Building.objects.get(name="纺织一路3栋"),
        spot="单元门口",
    )
    _report_once(
        by=neighbour,
        photos=[],
        category=Category.SAFETY,
        description="老市委外院2栋楼道里堆了电动车电池在充电，担心起火。",
        building=Building.objects.get(name="老市委外院2栋"),
        spot="一单元楼道",
    )
    out.write(f"  {Whistle.objects.count()} whistles, {ProblemReport.objects.count()} problem reports")


def _report_once(**fields):
    """A report waiting for triage, unless the demo made it before (found by its description)."""
    if not ProblemReport.objects.filter(description=fields["description"]).exists():
        ProblemReport.submit(**fields)


def _backdate(whistle, *, days, since):
    """Spread a demo whistle's story over the past days (demo-only rewrite of timestamps).

    Its messages (those after ``since``) are spread over the same days; a closed story's have been read.
    """
    shift = timedelta(days=days)
    now = timezone.now()
    Whistle.objects.filter(pk=whistle.pk).update(
        created=now - shift,
        report_in_by=whistle.report_in_by - shift,
        resolve_by=whistle.resolve_by - shift,
        closed_at=(whistle.closed_at - shift + timedelta(days=days * 0.8)) if whistle.closed_at else None,
    )
    steps = list(whistle.transitions.order_by("id"))
    for number, step in enumerate(steps):
        WhistleTransition.objects.filter(pk=step.pk).update(
            created=now - shift + shift * 0.8 * number / max(len(steps), 1)
        )
    for call in whistle.calls.all():
        WhistleCall.objects.filter(pk=call.pk).update(
            called_at=now - shift,
            reported_in_at=(now - shift + timedelta(hours=5)) if call.reported_in_at else None,
            done_at=(now - shift + shift * 0.6) if call.done_at else None,
        )
    whistle.reports.update(created=now - shift - timedelta(hours=6))
    WhistleUpdate.objects.filter(call__whistle=whistle).update(created=now - shift + timedelta(hours=6))
    # The call's message names its deadline: the moved one, as the whistle page shows it.
    Notification.objects.filter(id__gt=since).update(
        title=Replace(
            "title", Value(deadline_text(whistle.report_in_by)), Value(deadline_text(whistle.report_in_by - shift))
        )
    )
    messages = list(Notification.objects.filter(id__gt=since).order_by("id").values_list("id", flat=True))
    for number, message in enumerate(messages):
        at = now - shift + shift * 0.8 * number / max(len(messages), 1)
        Notification.objects.filter(pk=message).update(
            created=at, read_at=at + timedelta(hours=1) if whistle.closed_at else None
        )
