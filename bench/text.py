"""Chinese text for the benchmark's data set: names, titles and pools of paragraphs.

Everything is drawn from word lists with a seeded random generator, so that
two seedings write the same text. Article bodies and wishes come from pools of
a few hundred pieces that the seeder sanitises and segments once (see
bench/seed.py); a city's worth of articles then reuses them in different
combinations, like real news that keeps returning to the same subjects.

The rare words (``RARE_WORDS``) appear only in rare sentences that a small
share of articles carry, so that a search for one of them finds tens of
articles rather than tens of thousands: the two ends of search cost.
"""

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_NAMES = [
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "秀珍", "凤英", "玉梅", "建华", "建国", "建军", "志强", "志明", "国强",
    "国华", "德胜", "长海", "文明", "海燕", "晓燕", "丽华", "春梅", "红梅", "淑珍", "淑华", "振华", "永强", "永刚",
    "卫东", "卫国", "小红", "小平", "思远", "志刚", "明辉", "丽娟", "美玲", "婷婷", "浩然", "子涵", "雨桐", "欣怡",
    "宇轩", "梓萱", "俊杰", "嘉怡", "家豪", "一鸣", "佳琪", "天佑", "凤兰", "德明", "金花", "银花", "福生", "根生",
    "玉珍", "爱华", "爱国", "胜利",
]  # fmt: skip

STREETS = [
    "团结巷", "人民街", "朝阳路", "纺织一路", "纺织二路", "老市委外院", "江滨路", "新华里", "工人村", "铁山路",
    "磁湖路", "桂林路", "沿湖路", "杭州路", "颐阳路", "天津路", "广州路", "武汉路", "湖滨路", "太平巷",
]  # fmt: skip

# The columns (栏目), a two-level tree: (slug, name, description, [(slug, name), …]).
COLUMNS = [
    ("dangqun", "党群工作", "社区党委和党员群众的工作动态。",
     [("dangqun-dongtai", "党群动态"), ("dangyuan-fengcai", "党员风采"), ("zhuti-dangri", "主题党日")]),
    ("tongzhi", "通知公告", "停水停电、办事时间、活动报名等通知。",
     [("tingshui-tingdian", "停水停电"), ("banshi-zhinan", "办事指南")]),
    ("fengcai", "社区风采", "邻里故事和社区里的好人好事。",
     [("linli-gushi", "邻里故事"), ("haoren-haoshi", "好人好事"), ("wenti-huodong", "文体活动")]),
    ("zhiyuan", "志愿服务", "志愿服务队和志愿者的消息。",
     [("zhiyuan-dongtai", "志愿动态"), ("weixinyuan", "微心愿"), ("guangrongbang", "光荣榜")]),
    ("zhili", "社区治理", "网格化管理、红哨子和居民议事。",
     [("wangge", "网格动态"), ("hongshaozi", "红哨子"), ("yishi", "居民议事")]),
    ("minsheng", "民生服务", "医疗、养老、就业和便民服务。",
     [("yiliao", "医疗健康"), ("yanglao", "养老服务"), ("jiuye", "就业创业")]),
    ("anquan", "平安建设", "消防、防诈骗和治安巡逻。",
     [("xiaofang", "消防安全"), ("fangzha", "防诈骗")]),
    ("wenming", "文明创建", "文明城市创建和移风易俗。", []),
]  # fmt: skip

SUBJECTS = [
    "社区党委", "社区居委会", "网格员", "志愿者", "党员志愿者", "红马甲志愿服务队", "卫生保洁协会", "老年协会",
    "共建单位", "市委党校", "物业公司", "业主委员会", "居民代表", "楼栋长", "社区民警", "社区医生",
]  # fmt: skip
TOPICS = [
    "垃圾分类", "邻里节", "千家宴", "主题党日", "楼道清理", "背街小巷改造", "义诊", "义务理发", "法律咨询",
    "防诈骗宣传", "消防演练", "文明创建", "适老化改造", "便民服务圈", "爱心互助日", "网格员走访", "微心愿认领",
    "红哨子", "吹哨报到", "老旧小区改造", "健康讲座", "读书会", "亲子活动", "环境整治", "平安巡逻",
]  # fmt: skip
PEOPLE = ["居民", "老人", "孩子", "党员", "志愿者", "独居老人", "残疾人", "困难家庭", "退役军人", "新市民"]
ACTIONS = [
    "走进楼栋", "上门走访", "摆开摊位", "清理卫生死角", "疏通下水道", "修剪树枝", "粉刷楼道", "更换路灯",
    "宣讲政策", "登记需求", "发放宣传单", "陪老人聊天", "帮忙买菜", "送米送油", "教老人用手机",
]  # fmt: skip
FEELINGS = [
    "大家都说这样的活动办到了心坎上", "居民们纷纷点赞", "老人们说一学就会", "不少邻居成了朋友",
    "社区的环境一天比一天好", "大家的安全意识提高了", "困难群众感受到了温暖", "居民的幸福感节节高",
]  # fmt: skip

SENTENCES = [
    "{subject}组织开展了{topic}活动，{people}踊跃参加。",
    "活动当天，{subject}{action}，现场气氛热烈。",
    "住在{street}{number}栋的{name}说：“{feeling}。”",
    "{subject}负责人介绍，今年以来共开展{topic}活动{count}场，服务{people}{many}人次。",
    "为了让{people}少跑腿，{subject}把{topic}搬到了家门口。",
    "{street}一带老小区多，{subject}把{topic}当作为居民办实事的抓手。",
    "下一步，{subject}将继续做好{topic}，让{people}在家门口感受到变化。",
    "{people}有需要的，可以拨打社区电话，也可以在本站发布微心愿。",
    "{subject}还邀请{subject2}一起参与，{action},{feeling}。",
    "据统计，这次活动共有{count}名志愿者参加，{action}{count2}处。",
    "“{topic}不是挂在墙上的，要落到实处。”{subject}负责人{name}说。",
    "在{subject}的带动下，{street}的{people}也主动加入了{topic}。",
    "{subject}提醒广大{people}，遇到问题可以通过“红哨子”反映，社区会尽快处理。",
    "这次{topic}持续了{count}天，覆盖了{street}、{street2}等{count2}个小区。",
    "现场，志愿者{action},{people}排起了长队。",
]  # fmt: skip

# Words that only the rare sentences use: searching for one finds few articles.
RARE_WORDS = [
    "糍粑", "收音机", "热水器", "藕汤", "助听器", "轮椅", "老花镜", "血压计", "象棋", "二胡",
    "腰鼓", "剪纸", "书法", "太极拳", "快递柜", "充电桩", "加装电梯", "井盖", "野猫", "鸽子",
    "风筝", "灯笼", "粽子", "月饼", "汤圆",
]  # fmt: skip
RARE_SENTENCES = [
    "{name}把家里的{word}拿出来和邻居们分享，大家都说长了见识。",
    "说起{word},{street}的老人们有说不完的话。",
    "志愿者还顺便帮{name}看了看{word}的问题。",
    "{word}的事情不大，却牵动着{street}居民的心。",
]  # fmt: skip

# Words common enough that a search for them finds many thousands of articles.
COMMON_QUERIES = [
    "志愿者", "垃圾分类", "居民", "社区党委", "邻里节", "网格员", "适老化", "微心愿", "红哨子", "文明创建",
    "消防演练", "义诊", "法律咨询", "防诈骗", "主题党日", "楼道清理", "背街小巷", "老人", "共建单位", "便民服务圈",
    "爱心互助日", "读书会", "志愿者 垃圾分类", "老人 健康讲座", "党员 走访",
]  # fmt: skip


def display_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _fill(template: str, rng: random.Random, **extra) -> str:
    subject, subject2 = rng.sample(SUBJECTS, 2)
    street, street2 = rng.sample(STREETS, 2)
    values = {
        "subject": subject,
        "subject2": subject2,
        "topic": rng.choice(TOPICS),
        "people": rng.choice(PEOPLE),
        "action": rng.choice(ACTIONS),
        "feeling": rng.choice(FEELINGS),
        "street": street,
        "street2": street2,
        "number": rng.randint(1, 30),
        "name": display_name(rng),
        "count": rng.randint(3, 60),
        "count2": rng.randint(2, 20),
        "many": rng.randint(100, 3000),
        **extra,
    }
    return template.format(**values)


def paragraphs(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct paragraphs of three to five sentences."""
    pool = []
    while len(pool) < count:
        paragraph = "".join(_fill(rng.choice(SENTENCES), rng) for _ in range(rng.randint(3, 5)))
        if paragraph not in pool:
            pool.append(paragraph)
    return pool


def rare_sentences(rng: random.Random, per_word: int = 4) -> list[tuple[str, str]]:
    """(rare word, a sentence that uses it), ``per_word`` sentences for each rare word."""
    return [(word, _fill(rng.choice(RARE_SENTENCES), rng, word=word)) for word in RARE_WORDS for _ in range(per_word)]


TITLE_TEMPLATES = [
    "{street}开展{topic}活动",
    "{subject}:{topic}进楼栋，{people}齐参与",
    "{topic}走进{street},{feeling}",
    "{subject}为{people}{action}",
    "第{count}期{topic}在{street}举行",
    "{street}{number}栋：{subject}{action}",
    "关于{street}{topic}的通知",
    "{topic}办到居民心坎上",
]


def article_title(rng: random.Random) -> str:
    return _fill(rng.choice(TITLE_TEMPLATES), rng)[:120]


def article_summary(rng: random.Random) -> str:
    return _fill("{subject}在{street}开展{topic},{feeling}。", rng)


CAPTIONS = [
    "志愿者在{street}{action}",
    "{people}参加{topic}",
    "{street}{number}栋门前的{topic}现场",
]


def caption(rng: random.Random) -> str:
    return _fill(rng.choice(CAPTIONS), rng)


# --- Micro-wishes ------------------------------------------------------------------------------

WISH_TEMPLATES = {
    "goods": [
        (
            "需要一袋大米和食用油",
            "家里米和油快吃完了，腿脚不便下不了楼，想请人帮忙买{n}斤大米和一桶油送上楼，钱我来付。",
        ),
        ("想要一台{item}", "家里的{item}用了{years}年，彻底坏了，老伴身体不好，想请好心人帮忙添一台旧的也行。"),
        ("冬天需要一床厚棉被", "住在{street}的老房子里，冬天很冷，想要一床厚棉被，谢谢大家。"),
    ],
    "company": [
        ("希望有人陪我去医院复查", "下周要去医院复查，孩子在外地，想请一位志愿者陪我去，帮忙挂号、排队。"),
        ("想有人每周来聊聊天", "老伴走了以后一个人住在{street}，想有人每周来陪我说说话、下下棋。"),
        ("请人陪我去银行办事", "要去银行改密码，自己眼睛不好，想请人陪我去一趟。"),
    ],
    "repair": [
        ("{item}坏了，想请人修一修", "用了{years}年的{item}突然不能用了，想请懂行的志愿者帮忙看看还能不能修。"),
        (
            "楼道灯坏了，想请人帮忙换",
            "我住{floor}楼，楼道灯坏了快一个月，晚上上下楼看不见，想请会电工的师傅帮忙换个灯泡。",
        ),
        ("水龙头一直滴水", "厨房的水龙头一直滴水，自己拧不紧，想请人帮忙换个新的，材料费我出。"),
    ],
    "tutoring": [
        ("想学用智能手机视频通话", "孙女在外地上学，想学会用手机和她视频，请有耐心的志愿者教我几次。"),
        ("孩子的{subject}作业没人辅导", "孩子上{grade}年级，{subject}总是跟不上，我看不懂，想请人每周辅导一两次。"),
        ("想学用手机挂号", "看病总要排长队，听说手机上能挂号，想请人教教我。"),
    ],
    "health": [
        ("想请医生上门量量血压", "最近总是头晕，行动不便去不了医院，想请社区医生上门帮忙量量血压。"),
        ("需要一副合适的拐杖", "腿做了手术，想要一副合适的拐杖，方便下楼走走。"),
        ("想了解慢性病用药", "患糖尿病多年，想请医生讲讲平时用药和饮食要注意什么。"),
    ],
    "other": [
        ("想给孙子过个生日", "孩子父母在外打工，想给孙子过个{age}岁生日，请志愿者帮忙订个小蛋糕。"),
        ("家里的{item}想捐给需要的人", "家里有一台还能用的{item}，想捐给需要的邻居，请人帮忙搬一下。"),
    ],
}
WISH_ITEMS = ["洗衣机", "电饭煲", "电风扇", "电视机", "冰箱", "微波炉", "取暖器", "台灯", "收音机", "热水壶"]
SCHOOL_SUBJECTS = ["数学", "语文", "英语", "科学"]


def wish_texts(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """``count`` distinct (category, title, description) for wishes."""
    pool, seen = [], set()
    while len(pool) < count:
        category = rng.choice(list(WISH_TEMPLATES))
        title, description = rng.choice(WISH_TEMPLATES[category])
        values = {
            "n": rng.choice([5, 10, 20]),
            "item": rng.choice(WISH_ITEMS),
            "years": rng.randint(5, 25),
            "street": rng.choice(STREETS),
            "floor": rng.randint(2, 7),
            "subject": rng.choice(SCHOOL_SUBJECTS),
            "grade": rng.choice("一二三四五六"),
            "age": rng.randint(5, 12),
        }
        text = (category, title.format(**values)[:40], description.format(**values)[:500])
        if text not in seen:
            seen.add(text)
            pool.append(text)
    return pool


THANKS = [
    "谢谢志愿者，大热天还送上楼！",
    "太感谢了，东西已经收到。",
    "谢谢你们，社区真是我们的家。",
    "感谢党员同志的帮助！",
    "",
]

# --- Red whistle -----------------------------------------------------------------------------

PROBLEMS = [
    ("sanitation", "垃圾堆积", "楼后垃圾池旁堆了很多建筑垃圾，气味很大，请相关单位清运。"),
    ("sanitation", "化粪池满溢", "化粪池满了往外冒，影响居民出行，请尽快清掏。"),
    ("roads", "路面坑洼", "路面有几个大坑，下雨积水，老人走路容易摔倒。"),
    ("roads", "井盖松动", "路口的井盖松动，车一压就响，存在安全隐患。"),
    ("lighting", "路灯不亮", "巷子里的路灯坏了好几盏，晚上很黑。"),
    ("pipes", "下水道堵塞", "下水道堵了，污水漫到路上，请疏通。"),
    ("cables", "线缆乱拉", "楼道里的电线、网线乱拉乱挂，请相关单位整理。"),
    ("safety", "电动车楼道充电", "有人在楼道里给电动车充电，存在火灾隐患。"),
    ("other", "树枝压线", "大树的树枝压着电线，刮风时很危险，请修剪。"),
]

TEAM_KINDS = [
    ("红马甲志愿服务队", "team"),
    ("卫生保洁协会", "association"),
    ("义务理发志愿服务队", "team"),
    ("老年协会", "association"),
    ("平安巡逻志愿服务队", "team"),
]
UNIT_NAMES = [
    "医保局", "民政局", "城管局", "供电公司", "自来水公司", "燃气公司", "人民医院", "中心医院", "党校", "税务局",
    "住建局", "司法局", "派出所", "消防救援站", "邮政分局", "移动公司", "电信公司", "联通公司", "教育局", "第一中学",
    "实验小学", "图书馆", "文旅局", "市场监管局", "交通运输局", "卫健委", "退役军人事务局", "妇联", "团委", "总工会",
]  # fmt: skip
DISTRICTS = ["黄石港区", "下陆区", "西塞山区", "铁山区"]
ACTIVITY_KINDS = ["义务理发", "楼道清理", "垃圾分类宣传", "陪老人聊天", "义诊", "防诈骗宣讲", "平安巡逻", "环境整治"]
