"""Demo news: a column tree and articles written for the demo community, with drawn pictures.

Idempotent: columns are found by slug and articles by title. People named here are fictional.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from community.demo_pictures import draw_scene
from community.images import store_upload
from news.models import Article, Column

COLUMNS = [
    # (slug, name, parent slug, order, description)
    ("dangqun", "党群工作", None, 1, "社区党委和党员群众的工作动态。"),
    ("dangqun-dongtai", "党群动态", "dangqun", 1, "党建引领社区治理的日常工作。"),
    ("tongzhi", "通知公告", None, 2, "停水停电、办事时间、活动报名等通知。"),
    ("fengcai", "社区风采", None, 3, "邻里故事和社区里的好人好事。"),
    ("zhiyuan", "志愿服务", None, 4, "志愿服务队和志愿者的消息。"),
]

# (title, column, days ago, pinned, source, author, summary, cover scene, body blocks)
# A body block is a paragraph, or ("figure", scene, alt, caption).
ARTICLES = [
    (
        "党建引领文明创建，江滨社区居民幸福感节节高",
        "dangqun-dongtai",
        2,
        True,
        "社区党委",
        "林志刚",
        "社区党委以“四个红”为纽带，把党员和居民团结在一起，老旧街巷换了新颜，邻里关系越来越亲。",
        "river",
        [
            "江滨社区住着3600多户、1.1万余名居民，面积不大、人口密集，老小区多，历史遗留问题也不少。近几年，社区党委把文明创建当作为居民办实事的抓手，探索出一条党建引领社区治理的路子。",
            "走进社区，街边墙面上画满了通俗易懂的宣传画，尊老爱幼、邻里和睦的故事一看就懂。社区党委书记周红梅说：“文明不是挂在墙上的，要让居民在家门口感受到变化。”",
            ("figure", "alley", "改造后的背街小巷装上了路灯", "改造后的团结巷，夜里也亮堂了"),
            "在联点单位的支持下，社区先后改造了团结巷、朝阳路、纺织一路等14条背街小巷，清理卫生死角15处，疏通化粪池20多个，每个单元都配上了垃圾桶。",
            "“红旗帜”飘起来、“红哨子”吹起来、“红袖章”戴起来、“红马甲”穿起来，四个“红”让社区治理有了主心骨，也让居民的日子越过越舒心。",
        ],
    ),
    (
        "第十届邻里节暨千家宴在团结巷举行",
        "fengcai",
        5,
        False,
        "社区党委",
        "陈思远",
        "三百多位居民端出拿手菜，长桌宴从巷头摆到巷尾，不少“对门不相识”的邻居成了朋友。",
        "feast",
        [
            "周六中午，团结巷里摆开了长桌宴。居民们各自端来拿手菜，红烧鱼、藕汤、糍粑摆满了桌子，三百多位邻居围坐在一起，说说笑笑。",
            "住在团结巷5栋的孙阿姨说，她在这里住了十几年，对门的邻居以前只是点头之交，“今天一起包饺子，才知道人家的孩子和我孙子在一个学校。”",
            ("figure", "feast", "邻居们围坐在长桌旁吃千家宴", "长桌宴从巷头摆到巷尾"),
            "邻里节已经办了十届。社区党委希望通过这样的活动，把平时“独坐高楼”的居民组织起来，让陌生人变成好邻居。下一届邻里节将增加亲子游戏和老人才艺展示，欢迎居民报名。",
        ],
    ),
    (
        "垃圾分类进楼栋，志愿者手把手教居民分一分",
        "zhiyuan",
        7,
        False,
        "卫生保洁协会",
        "",
        "卫生保洁协会的志愿者走进二十个楼栋，帮居民认识四种垃圾桶，老人们说“一学就会”。",
        "bins",
        [
            "这个月起，卫生保洁协会的志愿者每周三下午走进楼栋，在单元门口摆开四种颜色的垃圾桶，给居民讲怎么分。",
            "厨余垃圾、可回收物、有害垃圾、其他垃圾，志愿者拿着实物一样一样地讲。78岁的王奶奶学得认真：“过期的药是有害垃圾，以前我都是随手扔。”",
            ("figure", "bins", "四种颜色的分类垃圾桶摆在单元门口", "四种垃圾桶，颜色一看就分得清"),
            "协会负责人介绍，接下来还会在每个网格设立垃圾分类指导员。居民在分类上有疑问，也可以通过本站的“红哨子”反映投放点的问题。",
        ],
    ),
    (
        "市委党校党员干部来社区认领微心愿",
        "dangqun-dongtai",
        9,
        False,
        "社区党委",
        "林志刚",
        "二十多名党员干部认领了居民的二十个微心愿，有的送米送油，有的上门修热水器。",
        "wish",
        [
            "作为社区的共建单位，市委党校长期在江滨社区开展志愿服务。本周，党校的二十多名党员干部集中认领了居民发布的微心愿。",
            "独居的刘爷爷想要一台收音机，党员小郑当天就送到了家里，还帮他调好了常听的频道。家住朝阳路的张阿姨家热水器坏了，党员干部请来师傅上门修好。",
            ("figure", "wish", "志愿者把一袋米面送到居民家门口", "微心愿送到家门口"),
            "“这个微心愿认领真是办到了我们心坎上。”张阿姨说。社区提醒，居民可以在本站“微心愿”栏目发布自己的小心愿，工作人员审核后就会公开，等待志愿者和共建单位认领。",
        ],
    ),
    (
        "关于纺织一路片区临时停水的通知",
        "tongzhi",
        1,
        True,
        "社区居委会",
        "",
        "因供水管网改造，纺织一路1至8栋本周四8:00至18:00停水，请居民提前储水。",
        None,
        [
            "各位居民：",
            "接供水公司通知，因纺织一路供水管网改造施工，纺织一路1栋至8栋将于本周四8:00至18:00暂停供水。如施工顺利，将提前恢复供水。",
            "请受影响的居民提前做好储水准备。家中有行动不便的老人需要帮助送水的，请拨打社区电话，志愿者会上门帮忙。",
            "给大家带来不便，敬请谅解。",
        ],
    ),
    (
        "社区党群服务中心春节期间办公安排",
        "tongzhi",
        40,
        False,
        "社区居委会",
        "",
        "春节期间服务中心安排工作人员值班，急事请拨打值班电话。",
        None,
        [
            "春节期间，社区党群服务中心除夕至初三安排工作人员值班，值班时间为每天9:00至16:00，初四起恢复正常办公。",
            "值班期间可以办理开具证明、困难救助申请等急需事项。网上发布的微心愿和问题上报，工作人员也会每天查看。",
            "祝全体居民新春快乐、阖家幸福！",
        ],
    ),
    (
        "“红马甲”清楼道：老小区六十栋楼焕然一新",
        "fengcai",
        14,
        False,
        "社区党委",
        "陈思远",
        "党员志愿者带头清理楼道堆放物，一个单元一个单元地做工作，近两千名居民参与。",
        "corridor",
        [
            "老市委外院小区是一个有三十多年历史的老小区，楼道里堆满了坛坛罐罐和旧家具，有的楼道甚至养起了鸡，居民进出很不方便，也存在消防隐患。",
            "社区组织“红马甲”党员志愿者服务队，先从党员家里清起，再一户一户上门做工作。有的居民舍不得扔，志愿者就帮着把有用的东西搬回家里收好。",
            ("figure", "corridor", "清理后干净整洁的楼道", "清理后的楼道，老人上下楼更安全了"),
            "一个单元清干净了，就请其他单元的居民来看；一栋楼清干净了，就请其他楼栋来参观。几个月下来，六十栋居民楼全部清理完毕，近两千名居民参加了行动。",
        ],
    ),
    (
        "志愿者服务周启动，十支服务队亮出服务清单",
        "zhiyuan",
        20,
        False,
        "志愿者协会",
        "",
        "科普、助老、调解、文体……十支志愿服务队在广场摆摊，居民现场报名当志愿者。",
        "volunteers",
        [
            "一年一度的志愿者服务周在社区广场启动。计划生育协会、科普协会、文体协会、卫生保洁协会、安保服务协会、爱心助老协会等十支志愿服务队在广场摆开摊位，向居民介绍各自的服务内容。",
            "爱心助老协会的志愿者现场为老人量血压，科普协会教大家识别电信诈骗，文体协会的腰鼓队带来了表演。",
            ("figure", "volunteers", "穿红马甲的志愿者站在楼前", "志愿者们在广场上为居民服务"),
            "当天有四十多位居民报名成为志愿者。想加入志愿服务的居民，也可以在本站“志愿服务”栏目在线申请，审核通过后就能报名参加活动。",
        ],
    ),
    (
        "每月第一个周六，网格党支部过主题党日",
        "dangqun-dongtai",
        24,
        False,
        "社区党委",
        "",
        "各网格党支部结合人居环境整治开展主题党日，老党员也积极参与学习。",
        "study",
        [
            "每月第一个周六，是江滨社区各网格党支部的主题党日。这个月，四个网格党支部结合人居环境整治，组织党员清理公共区域、检查消防通道。",
            "在第二网格党支部，年过八旬的老党员李爷爷坚持参加学习，他说：“年纪大了，学习不能落下，能做的事情还要做。”",
            "社区党委表示，主题党日要和居民关心的事情结合起来，让党员在家门口亮身份、做表率。",
        ],
    ),
    (
        "红哨子吹响：化粪池堵塞三天解决",
        "dangqun-dongtai",
        11,
        False,
        "社区党委",
        "林志刚",
        "居民反映人民街一处化粪池堵塞，社区吹哨，区建设局和物业当天报到，三天内疏通完毕。",
        "alley",
        [
            "人民街3栋的居民在本站“红哨子”上反映，楼后化粪池堵塞，污水漫到路面，气味很大。",
            "社区核实后立即“吹哨”，呼叫区建设局和小区物业。两个单位当天就派人到现场报到，制定了疏通方案。",
            "三天后化粪池疏通完毕，路面也冲洗干净。反映问题的居民在网上给出了“满意”的评价。社区党委副书记林志刚说，“红哨子”就是要让居民的问题有人管、管到底。",
        ],
    ),
    (
        "十五分钟便民服务圈：家门口就能办的事越来越多",
        "fengcai",
        30,
        False,
        "社区居委会",
        "",
        "理发、修鞋、配钥匙、缝补，社区整理出步行十五分钟内的便民服务点。",
        "river",
        [
            "为了方便居民生活，社区把步行十五分钟范围内的便民服务点整理成册：理发店、修鞋摊、配钥匙、缝补衣物、家电维修、药店、菜市场，都标明了位置和营业时间。",
            "“爱心百宝箱”也设在党群服务中心，里面有针线、老花镜、轮椅、雨伞等，居民有需要可以免费借用。",
            "服务点的信息会不断更新。居民知道好的服务点，也欢迎告诉社区。",
        ],
    ),
    (
        "谈心说事服务室：有烦心事，来这里说说",
        "zhiyuan",
        18,
        False,
        "社区党委",
        "陈思远",
        "由热心居民牵头的谈心说事服务室，帮邻居们化解了不少家长里短的矛盾。",
        "feast",
        [
            "在社区党群服务中心二楼，有一间不大的屋子，门口挂着“谈心说事服务室”的牌子。牵头的是退休教师许大姐，她在社区住了三十年，谁家有难事都愿意找她聊聊。",
            "楼上漏水、停车占道、婆媳拌嘴……这些家长里短的事，许大姐和志愿者们一件件帮着调解。去年一年，服务室接待居民两百多人次。",
            "居民可以在本站预约到服务室谈心，也可以直接上门。许大姐说：“有什么心里话，来这里说说，说出来就好了。”",
        ],
    ),
    (
        "疫情防控中的志愿者：哪里需要，哪里就有他们",
        "zhiyuan",
        60,
        False,
        "社区党委",
        "",
        "守卡点、测体温、送物资、买药品，社区志愿者在最需要的时候站了出来。",
        "volunteers",
        [
            "回想疫情防控最紧张的日子，社区的志愿者们冲在前面：守卡点、测体温、搬物资、买药品、做消杀，哪里有困难，哪里就有志愿者的身影。",
            "志愿者邹丽华每天帮十几户独居老人买菜送药，她说：“老人们不会在手机上买东西，我们多跑几趟，他们就少担心一点。”",
            "社区为这些志愿者记录了服务时长。他们的故事，也是江滨社区最珍贵的记忆。",
        ],
    ),
    (
        "“文明创建百题大赛”社区参赛率全区第一",
        "dangqun-dongtai",
        45,
        False,
        "社区党委",
        "",
        "居民踊跃参加线上答题，社区参赛率暂列全区第一。",
        "study",
        [
            "全市开展“文明城市，你我共建”百题大赛以来，江滨社区的居民踊跃参与。不会用手机答题的老人，网格员就上门手把手地教。",
            "截至目前，社区参赛率暂列全区第一。不少居民说，答题的过程也是学习文明知识的过程。",
        ],
    ),
]

# Shown on the demo site as "scheduled" and "draft" in the admin, invisible to residents.
HIDDEN_ARTICLES = [
    (
        "下月起党群服务中心周六上午开放",
        "tongzhi",
        -5,
        Article.Status.PUBLISHED,
        "为方便上班族办事，下月起党群服务中心每周六上午开放。",
    ),
    (
        "（草稿）社区老年大学秋季招生",
        "tongzhi",
        0,
        Article.Status.DRAFT,
        "老年大学秋季班开始招生，开设书法、合唱、智能手机等课程。",
    ),
]


def _photo(scene, seed, alt):
    upload = SimpleUploadedFile(f"{scene}.jpg", draw_scene(scene, seed), content_type="image/jpeg")
    return store_upload(upload, alt=alt)


def _body(blocks, seed):
    parts = []
    for index, block in enumerate(blocks):
        if isinstance(block, tuple):
            _kind, scene, alt, caption = block
            image = _photo(scene, seed + index, alt)
            figure = f'<img src="{image.url(1200)}" alt="{escape(alt)}"><figcaption>{escape(caption)}</figcaption>'
            parts.append(f"<figure>{figure}</figure>")
        else:
            parts.append(f"<p>{escape(block)}</p>")
    return "".join(parts)


def load(out):
    columns = {}
    for slug, name, parent, order, description in COLUMNS:
        columns[slug], _created = Column.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "parent": columns.get(parent), "order": order, "description": description},
        )
    now = timezone.now().replace(second=0, microsecond=0)
    created = 0
    for seed, (title, column, days_ago, pinned, source, author, summary, cover, blocks) in enumerate(ARTICLES):
        if Article.objects.filter(title=title).exists():
            continue
        Article.objects.create(
            title=title,
            column=columns[column],
            publish_at=now - timedelta(days=days_ago, hours=seed),
            pinned=pinned,
            status=Article.Status.PUBLISHED,
            source=source,
            author=author,
            summary=summary,
            cover=_photo(cover, seed * 10, title) if cover else None,
            body=_body(blocks, seed * 10 + 1),
        )
        created += 1
    for title, column, days_ago, status, text in HIDDEN_ARTICLES:
        if not Article.objects.filter(title=title).exists():
            Article.objects.create(
                title=title,
                column=columns[column],
                publish_at=now - timedelta(days=days_ago),
                status=status,
                body=f"<p>{escape(text)}</p>",
            )
            created += 1
    out.write(f"  {Column.objects.count()} columns, {Article.objects.count()} articles ({created} new)")
