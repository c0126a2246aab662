"""The demo lending box: twelve items with simple drawn pictures, a loan out, one overdue, one waiting to be
handed over and one returned. Loans move through the real verbs; their dates are then spread over the past
weeks (a demo-only rewrite of timestamps). Idempotent: an item is found by its name, a loan by item and borrower.
"""

import io
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from community.demo import ensure_account, last_notification_id, plain_account
from community.images import store_upload
from community.models import Notification, User
from lending.models import Item, Loan, LoanTransition, day_text

DESK = "社区党群服务中心一楼服务台"
CARE_ROOM = "社区党群服务中心二楼爱心助老协会活动室"

# (name, description, quantity, where to collect, deposit, deposit note, loan days, picture)
ITEMS = [
    (
        "轮椅",
        "折叠式手动轮椅，承重100公斤，带刹车和脚踏。适合腿脚不便的老人出门看病、复查。",
        2,
        DESK,
        200,
        "也可以押身份证复印件",
        14,
        "wheelchair",
    ),
    (
        "助行器",
        "四脚助行器，高度可调，铝合金很轻。术后恢复、走路不稳时用。",
        2,
        CARE_ROOM,
        100,
        "",
        30,
        "walking_frame",
    ),
    ("老花镜（多种度数）", "100度到300度都有，先在服务台试戴，挑合适的度数带回家。", 8, DESK, None, "", 30, "glasses"),
    ("雨伞", "结实的长柄雨伞。突然下雨、出门忘带伞时借一把，天晴了送回来就行。", 10, DESK, None, "", 7, "umbrella"),
    ("针线包", "针、各色线、纽扣、顶针和小剪刀，钉个扣子、缝个裤脚够用了。", 4, DESK, None, "", 7, "sewing_kit"),
    (
        "电子血压计",
        "上臂式电子血压计，一键测量，屏幕字大。工作人员可以教您怎么用。",
        2,
        CARE_ROOM,
        50,
        "",
        7,
        "bp_monitor",
    ),
    ("拐杖", "四脚拐杖，底座稳，高度可调。", 3, CARE_ROOM, None, "", 30, "cane"),
    ("放大镜", "带灯的手持放大镜，看药品说明书、报纸的小字。", 3, DESK, None, "", 14, "magnifier"),
    ("折叠梯", "1.5米铝合金折叠梯，换灯泡、擦高处的窗户用。请两个人一起用，注意安全。", 1, DESK, 50, "", 3, "ladder"),
    ("家用工具箱", "锤子、螺丝刀、扳手、钳子和卷尺，家里小修小补用。", 2, DESK, 50, "", 3, "toolbox"),
    ("婴儿推车", "可折叠的婴儿推车，亲戚带孩子来串门时借用。", 1, DESK, 100, "", 14, "stroller"),
    ("买菜小推车", "两轮折叠购物车，买菜、搬米面油省力。", 3, DESK, None, "", 14, "trolley"),
]


def load(out):
    for order, (name, description, quantity, place, deposit, note, days, picture) in enumerate(ITEMS, start=1):
        if not Item.objects.filter(name=name).exists():
            Item.objects.create(
                name=name,
                description=description,
                quantity=quantity,
                collect_at=place,
                deposit=deposit,
                deposit_note=note,
                loan_days=days,
                order=order,
                photo=store_upload(picture_upload(picture, order), alt=name),
            )
    staff = User.objects.get(username="gridworker")
    resident = ensure_account("resident", "刘淑芬")
    neighbour = plain_account("resident2", "彭桂英")
    volunteer = User.objects.filter(username="volunteer").first() or plain_account("resident3", "孙丽萍")
    # Her reading glasses, borrowed last month and brought back.
    _lend("老花镜（多种度数）", resident, staff, note="要200度的", asked=40, handed=39, due_after=30, returned=12)
    # Her blood-pressure monitor, out now (on her 我的).
    _lend("电子血压计", resident, staff, note="医生让我每天早晚量一次", asked=5, handed=4, due_after=7)
    # A neighbour's wheelchair, overdue (on the grid worker's 我的: 逾期未还).
    _lend("轮椅", neighbour, staff, note="老伴出院回家用", asked=21, handed=20, due_after=14)
    # An umbrella asked for this morning, waiting to be handed over (on the grid worker's 我的: 待借出).
    _lend("雨伞", volunteer, staff, note="下午来拿", asked=0)
    out.write(f"  {Item.objects.count()} lending items, {Loan.objects.count()} loans")


def _lend(item_name, borrower, staff, *, note, asked, handed=None, due_after=None, returned=None):
    """A loan asked for ``asked`` days ago, handed over ``handed`` days ago for ``due_after`` days, returned
    ``returned`` days ago: through the verbs, then dated back. Nothing if the borrower has it already."""
    item = Item.objects.get(name=item_name)
    if Loan.objects.filter(item=item, borrower=borrower).exists():
        return
    since = last_notification_id()
    loan = Loan.request(item=item, by=borrower, note=note)
    now = timezone.now()
    dates = {"requested_at": now - timedelta(days=asked, hours=2)}
    if handed is not None:
        today = timezone.localdate()
        loan.hand_over(by=staff, due_on=today)
        due_on = today - timedelta(days=handed) + timedelta(days=due_after)
        dates |= {"handed_over_at": now - timedelta(days=handed), "due_on": due_on}
        # The hand-over message names the due date: the moved one, as the loan page shows it.
        Notification.objects.filter(id__gt=since).update(
            title=Replace("title", Value(day_text(today)), Value(day_text(due_on)))
        )
    if returned is not None:
        loan.record_return(by=staff)
        dates |= {"returned_at": now - timedelta(days=returned)}
    Loan.objects.filter(pk=loan.pk).update(**dates)
    moments = [dates["requested_at"], dates.get("handed_over_at"), dates.get("returned_at")]
    for step, at in zip(loan.transitions.order_by("id"), [m for m in moments if m], strict=False):
        LoanTransition.objects.filter(pk=step.pk).update(created=at)
    for message, at in zip(
        Notification.objects.filter(id__gt=since).order_by("id"), [m for m in moments[1:] if m], strict=False
    ):
        Notification.objects.filter(pk=message.pk).update(created=at, read_at=at + timedelta(hours=3))


# --- Pictures: simple drawings of each item (no text, no photographs) ----------------------------

WIDTH, HEIGHT = 1200, 900
INK = (60, 64, 72)
RED = (180, 40, 40)
BLUE = (40, 90, 170)
GREEN = (60, 140, 90)
WOOD = (170, 120, 70)
BACKGROUNDS = [(246, 236, 222), (228, 238, 246), (236, 244, 230), (248, 232, 232)]


def picture_upload(name, seed):
    picture = PILImage.new("RGB", (WIDTH, HEIGHT), BACKGROUNDS[seed % len(BACKGROUNDS)])
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 760, WIDTH, HEIGHT], fill=(214, 206, 194))
    DRAWINGS[name](draw, random.Random(seed))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _wheelchair(draw, rng):
    draw.ellipse([330, 360, 730, 760], outline=INK, width=28)
    draw.ellipse([500, 530, 560, 590], fill=INK)
    draw.ellipse([820, 660, 920, 760], outline=INK, width=20)
    draw.line([(430, 300), (430, 520), (860, 520), (870, 680)], fill=BLUE, width=30, joint="curve")
    draw.rectangle([440, 470, 800, 520], fill=BLUE)
    draw.line([(430, 300), (380, 300)], fill=INK, width=24)
    draw.line([(800, 520), (900, 600), (960, 600)], fill=INK, width=20)


def _walking_frame(draw, rng):
    for x in (380, 820):
        draw.line([(x, 330), (x - 40, 760)], fill=(150, 160, 170), width=26)
        draw.line([(x + 60, 330), (x + 100, 760)], fill=(150, 160, 170), width=26)
        draw.rounded_rectangle([x - 10, 300, x + 70, 350], radius=20, fill=INK)
    draw.line([(410, 420), (850, 420)], fill=(150, 160, 170), width=22)
    for x in (340, 440, 780, 920):
        draw.ellipse([x - 25, 740, x + 25, 770], fill=INK)


def _glasses(draw, rng):
    draw.ellipse([240, 330, 560, 590], outline=INK, width=26)
    draw.ellipse([640, 330, 960, 590], outline=INK, width=26)
    draw.arc([540, 380, 660, 480], start=200, end=340, fill=INK, width=22)
    draw.line([(250, 420), (120, 360)], fill=INK, width=20)
    draw.line([(950, 420), (1080, 360)], fill=INK, width=20)
    draw.ellipse([280, 370, 520, 550], fill=(220, 232, 240))
    draw.ellipse([680, 370, 920, 550], fill=(220, 232, 240))


def _umbrella(draw, rng):
    draw.pieslice([200, 150, 1000, 750], start=180, end=360, fill=RED)
    for x in range(200, 1000, 160):
        draw.arc([x, 390, x + 160, 510], start=0, end=180, fill=(245, 236, 222), width=14)
    draw.line([(600, 450), (600, 730)], fill=INK, width=22)
    draw.arc([520, 660, 620, 780], start=0, end=180, fill=INK, width=22)
    draw.line([(600, 150), (600, 110)], fill=INK, width=16)


def _sewing_kit(draw, rng):
    draw.rounded_rectangle([220, 420, 980, 740], radius=40, fill=(200, 90, 110))
    draw.rounded_rectangle([260, 460, 940, 700], radius=30, fill=(250, 240, 230))
    for number, colour in enumerate([RED, BLUE, GREEN, (230, 170, 40)]):
        x = 320 + number * 160
        draw.rectangle([x, 520, x + 90, 650], fill=colour)
        draw.rectangle([x - 15, 500, x + 105, 525], fill=WOOD)
        draw.rectangle([x - 15, 645, x + 105, 670], fill=WOOD)
    draw.line([(300, 300), (700, 200)], fill=(120, 120, 130), width=8)
    draw.ellipse([690, 190, 720, 215], outline=(120, 120, 130), width=6)
    draw.arc([650, 120, 1000, 420], start=200, end=330, fill=RED, width=6)


def _bp_monitor(draw, rng):
    draw.rounded_rectangle([300, 280, 760, 720], radius=50, fill=(240, 240, 244), outline=INK, width=10)
    draw.rounded_rectangle([360, 340, 700, 540], radius=20, fill=(190, 220, 200))
    draw.ellipse([480, 590, 580, 690], fill=BLUE)
    draw.line([(760, 500), (880, 500), (900, 360)], fill=INK, width=14, joint="curve")
    draw.rounded_rectangle([860, 200, 1060, 380], radius=30, fill=(90, 100, 120))


def _cane(draw, rng):
    draw.line([(600, 260), (600, 700)], fill=WOOD, width=34)
    draw.arc([440, 180, 620, 340], start=180, end=360, fill=WOOD, width=34)
    draw.line([(520, 700), (680, 700)], fill=INK, width=24)
    for x in (520, 570, 630, 680):
        draw.line([(x, 700), (x + (x - 600) // 3, 760)], fill=INK, width=18)


def _magnifier(draw, rng):
    draw.ellipse([300, 200, 700, 600], fill=(220, 236, 246), outline=INK, width=34)
    draw.line([(650, 550), (900, 780)], fill=WOOD, width=60)
    draw.arc([380, 280, 620, 520], start=200, end=260, fill=(255, 255, 255), width=18)


def _ladder(draw, rng):
    draw.line([(430, 160), (330, 760)], fill=(150, 160, 170), width=30)
    draw.line([(620, 160), (720, 760)], fill=(150, 160, 170), width=30)
    for step in range(1, 6):
        y = 160 + step * 100
        left = 430 - (y - 160) / 6
        right = 620 + (y - 160) / 6
        draw.line([(left, y), (right, y)], fill=(150, 160, 170), width=22)
    draw.line([(640, 180), (900, 760)], fill=(130, 140, 150), width=24)


def _toolbox(draw, rng):
    draw.rounded_rectangle([240, 440, 960, 740], radius=24, fill=RED)
    draw.rectangle([240, 520, 960, 545], fill=(140, 30, 30))
    draw.rounded_rectangle([480, 360, 720, 450], radius=30, outline=INK, width=24)
    draw.line([(300, 260), (560, 380)], fill=WOOD, width=30)
    draw.rounded_rectangle([230, 210, 330, 290], radius=12, fill=INK)
    draw.line([(760, 250), (900, 420)], fill=(230, 170, 40), width=30)


def _stroller(draw, rng):
    draw.pieslice([300, 260, 800, 760], start=180, end=360, fill=BLUE)
    draw.rectangle([300, 500, 800, 600], fill=BLUE)
    draw.line([(800, 520), (950, 300)], fill=INK, width=20)
    draw.line([(930, 300), (1000, 300)], fill=INK, width=24)
    for x in (360, 740):
        draw.ellipse([x - 60, 620, x + 60, 740], outline=INK, width=22)


def _trolley(draw, rng):
    draw.rounded_rectangle([420, 300, 760, 700], radius=30, fill=GREEN)
    draw.rectangle([440, 360, 740, 390], fill=(40, 110, 70))
    draw.line([(760, 700), (800, 200), (860, 200)], fill=INK, width=20, joint="curve")
    draw.ellipse([440, 660, 560, 780], outline=INK, width=22)
    draw.line([(420, 700), (380, 740)], fill=INK, width=18)


DRAWINGS = {
    "wheelchair": _wheelchair,
    "walking_frame": _walking_frame,
    "glasses": _glasses,
    "umbrella": _umbrella,
    "sewing_kit": _sewing_kit,
    "bp_monitor": _bp_monitor,
    "cane": _cane,
    "magnifier": _magnifier,
    "ladder": _ladder,
    "toolbox": _toolbox,
    "stroller": _stroller,
    "trolley": _trolley,
}
