"""Demo content for the service circle: 40 places around 江滨社区 with the hours such places keep.

Idempotent: places are looked up by name, closures by place and reason, the report by its reporter and note.
Positions are metres east and north of the service centre on 江滨路, on the streets of community/demo.py. The
names and phone numbers are made up.
"""

from datetime import date, time, timedelta

from django.utils import timezone

from community.demo import demo_position
from community.models import User
from places.models import Category, Closure, OpeningHours, Place, PlaceReport

EVERY_DAY = range(7)
WORKDAYS = range(5)
MON_SAT = range(6)
TUE_SUN = range(1, 7)
WEEKEND = (5, 6)

# Weekly hours as (weekdays, opens, closes); a closing time at or before the opening is on the next day.
CLINIC = [(WORKDAYS, "08:00", "12:00"), (WORKDAYS, "14:30", "17:30"), ((5,), "08:00", "12:00")]
HEALTH_STATION = [(EVERY_DAY, "08:00", "12:00"), (EVERY_DAY, "14:00", "17:30")]
ROUND_THE_CLOCK = [(EVERY_DAY, "00:00", "00:00")]
PHARMACY = [(EVERY_DAY, "08:00", "21:30")]
LATE_SHOP = [(EVERY_DAY, "07:00", "01:00")]
MARKET = [(EVERY_DAY, "05:30", "18:30")]
EARLY_MARKET = [(EVERY_DAY, "05:30", "09:00")]
SUPERMARKET = [(EVERY_DAY, "08:00", "21:00")]
CANTEEN = [(MON_SAT, "11:00", "13:00"), (MON_SAT, "17:00", "18:30")]
BARBER = [(TUE_SUN, "09:00", "20:00")]
REPAIR = [(EVERY_DAY, "08:30", "18:00")]
BANK = [(WORKDAYS, "09:00", "17:00"), (WEEKEND, "09:30", "16:00")]
POST = [(MON_SAT, "08:30", "17:30")]
SCHOOL = [(WORKDAYS, "07:30", "11:50"), (WORKDAYS, "14:00", "17:30")]
POLICE_POST = [(WORKDAYS, "08:30", "12:00"), (WORKDAYS, "14:30", "17:30")]

CLINIC_EVENINGS = [(EVERY_DAY, "08:00", "12:00"), (EVERY_DAY, "14:00", "20:00")]
LONG_PHARMACY = [(EVERY_DAY, "07:30", "22:00")]
VEGETABLE_SHOP = [(EVERY_DAY, "06:00", "12:00"), (EVERY_DAY, "15:00", "19:00")]
LUNCH_ONLY = [(WORKDAYS, "11:00", "13:00")]
BREAKFAST_AND_LUNCH = [(EVERY_DAY, "06:30", "09:00"), (EVERY_DAY, "11:00", "13:00")]
SALON = [(EVERY_DAY, "09:30", "21:00")]
LATE_SALON = [(EVERY_DAY, "10:00", "21:30")]
STALL = [(EVERY_DAY, "08:00", "18:30")]
SHOP = [(EVERY_DAY, "09:00", "21:00")]
KINDERGARTEN = [(WORKDAYS, "07:30", "17:30")]
# The volunteers' workstations keep the hours volunteers/demo.py gives them.
MEDIATION = [((0,), "09:00", "11:30"), ((2,), "09:00", "11:30"), ((4,), "14:30", "17:00")]
TALKS = [((1,), "09:00", "11:30"), ((3,), "14:30", "17:00"), ((5,), "09:00", "11:00")]
KNOCKING = [((0,), "14:30", "17:00"), ((3,), "09:00", "11:30")]
HEALTH_HUT = [((1,), "08:30", "11:00"), ((4,), "08:30", "11:00")]
REPAIR_ROOM = [((5,), "09:00", "12:00"), ((6,), "09:00", "12:00")]

# (name, category, services,
#  address, phone, (metres east, metres north of the service centre),
#  hours, step-free, accessible toilet, accessibility note)
# fmt: off
PLACES = [
    ("江滨社区卫生服务站", Category.CLINIC, "看常见病、量血压测血糖、打针输液、家庭医生签约",
     "江滨路90号（党群服务中心东侧）", "0714-6201120", (75, -25),
     HEALTH_STATION, True, True, "门口有坡道，有轮椅可借"),
    ("康宁诊所", Category.CLINIC, "内科、儿科常见病，换药",
     "团结巷21号（6栋对面）", "0714-6203318", (-150, -135),
     CLINIC, False, False, "门口两级台阶，有扶手"),
    ("仁和中医诊所", Category.CLINIC, "中医内科、针灸推拿、代煎中药",
     "朝阳路36号", "0714-6205526", (120, -265),
     CLINIC, True, False, ""),
    ("纺织路口腔诊所", Category.CLINIC, "补牙、拔牙、配假牙、洗牙",
     "纺织一路5号", "0714-6207781", (285, -265),
     CLINIC, True, True, ""),
    ("百草堂门诊部", Category.CLINIC, "内科、外科小伤处理、输液",
     "人民街8号", "0714-6202235", (-300, -150),
     CLINIC_EVENINGS, False, False, "门口三级台阶，医生可以下楼来看"),
    ("济安大药房", Category.PHARMACY, "中西药、医保刷卡、夜间购药",
     "团结巷15号", "0714-6201999", (-10, -135),
     ROUND_THE_CLOCK, True, False, "夜里按门铃，从窗口买药"),
    ("惠民药店", Category.PHARMACY, "中西药、医保刷卡、免费量血压",
     "团结巷40号", "0714-6204410", (200, -140),
     PHARMACY, True, False, ""),
    ("福寿堂药房", Category.PHARMACY, "中药饮片、代煎中药、医保刷卡",
     "朝阳路12号", "0714-6205103", (-200, -265),
     PHARMACY, False, False, "门口一级台阶"),
    ("康泰药店", Category.PHARMACY, "中西药、血糖试纸、轮椅拐杖出租",
     "纺织二路2号", "0714-6208836", (150, -440),
     PHARMACY, True, False, ""),
    ("同心药店", Category.PHARMACY, "中西药、医保刷卡、送药上门",
     "人民街30号", "0714-6202670", (-330, -500),
     LONG_PHARMACY, True, False, "打电话可以送药上门"),
    ("江滨农贸市场", Category.MARKET, "蔬菜、肉、鱼、豆制品、早点",
     "江滨路60号", "0714-6201508", (-150, -25),
     MARKET, True, True, "入口平坡，公共厕所在市场东门"),
    ("朝阳生鲜超市", Category.MARKET, "蔬菜水果、米面粮油、日用品，满50元送货",
     "朝阳路50号", "0714-6205590", (170, -175),
     SUPERMARKET, True, False, ""),
    ("邻里便利店", Category.MARKET, "日用品、饮料零食、代收快递、充话费",
     "江滨路120号", "0714-6201066", (250, -30),
     LATE_SHOP, True, False, ""),
    ("纺织路菜店", Category.MARKET, "蔬菜、鸡蛋、豆腐，可以电话订菜",
     "纺织一路18号", "13971400381", (390, -400),
     VEGETABLE_SHOP, True, False, ""),
    ("老街早市", Category.MARKET, "自产蔬菜、早点、活鱼",
     "人民街口小广场", "", (-300, -460),
     EARLY_MARKET, True, False, "露天摊位，地面平整"),
    ("纺织二路平价超市", Category.MARKET, "米面粮油、日用品、冷冻食品",
     "纺织二路1号", "0714-6208012", (-40, -330),
     SUPERMARKET, True, False, ""),
    ("江滨社区长者食堂", Category.CANTEEN, "午餐、晚餐，70岁以上老人优惠，可以送餐",
     "江滨路88号党群服务中心一楼", "0714-6200018", (-70, -25),
     CANTEEN, True, True, "门口有坡道，餐厅有无障碍厕所"),
    ("纺织社区助老餐厅", Category.CANTEEN, "午餐，独居老人可以预订送餐",
     "老市委外院6栋一楼", "0714-6206623", (-170, -460),
     LUNCH_ONLY, True, False, ""),
    ("朝阳路社区食堂", Category.CANTEEN, "早餐、午餐，老人和残疾人优惠",
     "朝阳路28号", "0714-6205036", (-120, -180),
     BREAKFAST_AND_LUNCH, True, True, ""),
    ("老王理发店", Category.BARBER, "理发、刮脸，老人理发10元",
     "团结巷9号", "13872011245", (-250, -135),
     BARBER, False, False, "门口一级台阶；行动不便的老人可以约上门理发"),
    ("丽人美发", Category.BARBER, "理发、烫染、护理",
     "团结巷33号", "0714-6203890", (100, -140),
     SALON, True, False, ""),
    ("银发快剪", Category.BARBER, "快剪、洗头，60岁以上半价",
     "朝阳路20号", "13507231886", (-30, -265),
     BARBER, True, False, ""),
    ("时尚发艺", Category.BARBER, "理发、烫染",
     "江滨路150号", "0714-6201772", (380, -120),
     LATE_SALON, False, False, "门口两级台阶"),
    ("张师傅家电维修", Category.REPAIR, "修电视、洗衣机、冰箱、空调，可以上门",
     "团结巷18号", "13797012356", (-70, -165),
     REPAIR, True, False, ""),
    ("巧手修鞋配钥匙", Category.REPAIR, "修鞋、配钥匙、改衣服、换拉链",
     "江滨路100号路边", "13545508762", (160, -30),
     STALL, True, False, "露天摊位"),
    ("便民自行车修理", Category.REPAIR, "修自行车、电动车、轮椅，补胎打气",
     "朝阳路15号", "13986509214", (-100, -270),
     REPAIR, True, False, ""),
    ("新潮手机维修", Category.REPAIR, "换屏、换电池、教用手机",
     "朝阳路60号", "0714-6205817", (210, -265),
     SHOP, True, False, ""),
    ("长江农商银行江滨支行", Category.BANK, "存取款、养老金、社保卡、缴费",
     "江滨路50号", "0714-6201800", (-230, -25),
     BANK, True, True, "有爱心窗口，老人优先"),
    ("江城银行朝阳路支行", Category.BANK, "存取款、养老金、理财",
     "纺织二路口", "0714-6208200", (60, -440),
     BANK, True, False, ""),
    ("江滨邮政所", Category.POST, "寄信寄包裹、汇款、订报刊",
     "江滨路130号", "0714-6201185", (330, -30),
     POST, True, False, ""),
    ("江滨小学", Category.SCHOOL, "小学一至六年级，放学后课后服务",
     "人民街40号", "0714-6202011", (-200, -520),
     SCHOOL, True, True, ""),
    ("江滨幼儿园", Category.SCHOOL, "小班、中班、大班，托班",
     "纺织二路6号", "0714-6208095", (-30, -460),
     KINDERGARTEN, True, True, ""),
    ("江滨中学", Category.SCHOOL, "初中",
     "纺织一路40号", "0714-6207300", (250, -500),
     SCHOOL, True, True, ""),
    ("周大姐调解服务室", Category.WORKSTATION, "调解邻里纠纷、家庭矛盾，帮写协议",
     "社区党群服务中心一楼101室", "0714-6200000", (-25, 12),
     MEDIATION, True, True, ""),
    ("许大妈谈心说事服务室", Category.WORKSTATION, "谈心疏导、说事议事、反映民情",
     "社区党群服务中心二楼谈心室", "0714-6200000", (25, 12),
     TALKS, False, True, "在二楼，有电梯"),
    ("秦老师爱心敲门工作室", Category.WORKSTATION, "探望独居老人、帮老人办事、紧急联络",
     "团结巷5栋一楼", "0714-6200000", (-100, -118),
     KNOCKING, True, False, ""),
    ("郑医生健康小屋", Category.WORKSTATION, "免费量血压测血糖、健康咨询、慢病用药提醒",
     "社区卫生服务站旁", "0714-6200000", (125, -5),
     HEALTH_HUT, True, True, ""),
    ("汪师傅便民维修工作室", Category.WORKSTATION, "修小家电、换灯泡和水龙头、磨剪刀",
     "朝阳路8栋门面", "0714-6200000", (55, -260),
     REPAIR_ROOM, True, False, "可以预约上门"),
    ("江滨社区警务室", Category.POLICE, "户籍咨询、开证明、报警求助（紧急情况请拨110）",
     "江滨路88号党群服务中心一楼", "0714-6200110", (-110, 20),
     POLICE_POST, True, True, ""),
    ("朝阳路警务站", Category.POLICE, "24小时值守、报警求助、失物招领",
     "朝阳路口", "0714-6205110", (-200, -175),
     ROUND_THE_CLOCK, True, False, ""),
]
# fmt: on


def _closures(today):
    """Closures such places announce: a day off this week, New Year's Day, the winter holidays, Spring Festival."""
    new_year = date(today.year + 1, 1, 1)
    return [
        ("百草堂门诊部", today + timedelta(days=2), today + timedelta(days=2), "医生外出培训"),
        ("江滨邮政所", new_year, new_year, "元旦放假"),
        ("长江农商银行江滨支行", new_year, new_year + timedelta(days=2), "元旦假期"),
        ("江滨小学", date(new_year.year, 1, 23), date(new_year.year, 2, 21), "寒假"),
        ("老王理发店", date(new_year.year, 2, 3), date(new_year.year, 2, 12), "回老家过年"),
    ]


def load(out):
    for name, category, services, address, phone, (x, y), hours, step_free, toilet, note in PLACES:
        latitude, longitude = demo_position(x, y)
        place, created = Place.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "services": services,
                "address": address,
                "phone": phone,
                "latitude": latitude,
                "longitude": longitude,
                "step_free": step_free,
                "accessible_toilet": toilet,
                "accessibility_note": note,
            },
        )
        if created:
            OpeningHours.objects.bulk_create(
                OpeningHours(
                    place=place, weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes)
                )
                for weekdays, opens, closes in hours
                for weekday in weekdays
            )
    places = {place.name: place for place in Place.objects.all()}
    for name, first_day, last_day, reason in _closures(timezone.localdate()):
        Closure.objects.get_or_create(
            place=places[name], reason=reason, defaults={"first_day": first_day, "last_day": last_day}
        )
    resident = User.objects.filter(username="resident").first()  # community/demo.py made her
    if resident is not None:  # a report waiting on the grid workers' 我的
        PlaceReport.objects.get_or_create(
            place=places["惠民药店"], reporter=resident, note="药店的电话打过去是空号，好像换号码了。"
        )
    out.write(f"  {Place.objects.count()} places, {OpeningHours.objects.count()} opening hours")
