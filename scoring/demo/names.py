"""Data for the embedded example (`scoring demo`): a city as the seed documents describe it.

Names, wording and how often things happen live here; scoring/demo.py draws from them.
"""

from __future__ import annotations

DEFAULT_SEED = 2025
PERIODS = ("2024", "2025")  # the year before, for repeat findings (屡查屡犯), and the year the demo reports on

# 67 city departments, as Daqing scored them (市直部门 D001…D067).
CITY_DEPARTMENTS = (
    "市教育局", "市卫生健康委员会", "市公安局", "市民政局", "市财政局", "市人力资源和社会保障局",
    "市自然资源局", "市生态环境局", "市住房和城乡建设局", "市交通运输局", "市水务局", "市农业农村局",
    "市商务局", "市文化广电和旅游局", "市应急管理局", "市审计局", "市市场监督管理局", "市医疗保障局",
    "市税务局", "市发展和改革委员会", "市工业和信息化局", "市科学技术局", "市司法局", "市退役军人事务局",
    "市统计局", "市林业和草原局", "市城市管理综合执法局", "市体育局", "市国有资产监督管理委员会", "市信访局",
    "市政务服务管理局", "市人民防空办公室", "市民族宗教事务局", "市机关事务管理局", "市地方金融监督管理局",
    "市粮食和物资储备局", "市供销合作社联合社", "市住房公积金管理中心", "市不动产登记中心",
    "市公共资源交易中心", "市社会保险事业管理局", "市就业服务局", "市残疾人联合会", "市红十字会", "市档案馆",
    "市气象局", "市地震局", "市消防救援支队", "市公安局交通警察支队", "市烟草专卖局", "市邮政管理局",
    "市人民政府办公室", "市外事办公室", "市侨务办公室", "市台湾事务办公室", "市乡村振兴局",
    "市营商环境建设监督局", "市大数据中心", "市疾病预防控制中心", "市卫生健康综合监督执法局", "市水文局",
    "市住房保障和房产管理局", "市投资促进局", "市口岸管理办公室", "市总工会", "市妇女联合会", "共青团市委",
)

# Departments the public queues at: many enquiries and complaints (咨询投诉) a year.
BUSY = frozenset({
    "市公安局", "市人力资源和社会保障局", "市医疗保障局", "市税务局", "市市场监督管理局", "市住房和城乡建设局",
    "市自然资源局", "市不动产登记中心", "市住房公积金管理中心", "市社会保险事业管理局", "市公安局交通警察支队",
    "市教育局", "市卫生健康委员会",
})

# Offices with no service window: no on-the-spot ratings, so S2 is not applicable (不涉及).
NO_WINDOW = frozenset({
    "市审计局", "市统计局", "市档案馆", "市地震局", "市气象局", "市外事办公室", "市侨务办公室",
    "市台湾事务办公室", "市机关事务管理局", "市人民政府办公室", "市水文局", "市口岸管理办公室",
})

# The seed's 政务服务中心: the democratic evaluation (230 issued, 186 returned, 89% / 7% / 4%) and the
# hotline figures (12459 received, 12422 resolved) belong to it.
SERVICE_CENTRE = "市政务服务管理局"
SEED_SURVEY = {"issued": 230, "favourable": 166, "unsatisfied": 13, "dont_know": 7}
SEED_CONTACTS = (12459, 12422)

DISTRICTS = ("东城区人民政府", "西城区人民政府", "南湖区人民政府", "北山区人民政府", "临河县人民政府",
             "青山县人民政府")

# (name, index of the district in DISTRICTS it belongs to)
TOWNSHIPS = (
    ("东城区新华街道办事处", 0), ("东城区解放街道办事处", 0), ("西城区胜利街道办事处", 1),
    ("西城区和平街道办事处", 1), ("南湖区滨湖街道办事处", 2), ("南湖区长青街道办事处", 2),
    ("北山区红旗街道办事处", 3), ("北山区北山镇人民政府", 3), ("临河县临河镇人民政府", 4),
    ("临河县永兴乡人民政府", 4), ("青山县青山镇人民政府", 5), ("青山县石桥乡人民政府", 5),
)

# (name, the city department that supervises it): schools, hospitals, water, power, gas, heating.
INSTITUTIONS = (
    ("市第一人民医院", "市卫生健康委员会"), ("市中医医院", "市卫生健康委员会"),
    ("市妇幼保健院", "市卫生健康委员会"), ("市第一中学", "市教育局"), ("市实验小学", "市教育局"),
    ("市自来水有限公司", "市水务局"), ("国网市供电公司", "市发展和改革委员会"),
    ("市燃气有限公司", "市住房和城乡建设局"), ("市热力有限公司", "市住房和城乡建设局"),
    ("市公共交通集团有限公司", "市交通运输局"),
)

# Inspectors of the openness office (政务公开办) and discipline inspection (纪检监察); they check in pairs.
INSPECTORS = ("张明", "李华", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏", "孙伟", "马丽")
OFFICE = "市政务公开办"

EVIDENCE = ("现场照片", "网页截图", "检查记录表", "暗访录音", "调阅台账", "群众来电记录")

# What an inspector writes, per finding code (or code:indicator when the indicator is given).
FINDING_NOTES: dict[str, tuple[str, ...]] = {
    "NOT_DISCLOSED:C1": ("未公开内设机构职能和办公电话", "领导分工未在网站公开"),
    "NOT_DISCLOSED:C2": ("本年度制发的规范性文件未在网站公开", "政策解读材料未与文件同步公开"),
    "NOT_DISCLOSED:C3": ("办事服务事项未公开收费标准与监督电话", "部分审批事项未公开办理条件和程序"),
    "NOT_DISCLOSED:C4": ("部门预算、决算未按期公开", "政府采购和招投标结果未公开"),
    "NOT_DISCLOSED:C5": ("未编制政府信息公开目录", "未公开政府信息公开指南"),
    "NOT_DISCLOSED:P1": ("办理事项的前置条件未事前公示",),
    "NOT_DISCLOSED:P2": ("审批办理进度无法查询，未实行“阳光审批”",),
    "NOT_DISCLOSED:P3": ("行政处罚结果未公开", "办事结果未按月公开"),
    "INCOMPLETE:C1": ("机构职能公开不全，缺少二级单位信息",),
    "INCOMPLETE:C3": ("“七公开”缺项，未公开责任单位和监督电话", "办事指南缺少办理时限"),
    "INCOMPLETE:C5": ("公开目录未随机构调整更新，缺项较多",),
    "INCOMPLETE:P1": ("事前公开的申请材料清单不完整",),
    "INCOMPLETE:P2": ("过程公开只到受理环节，审核环节未公开",),
    "INCOMPLETE:F3": ("明白纸只有部分事项，群众反映看不懂",),
    "UNTRUE:C1": ("公开的监督电话为空号",),
    "UNTRUE:C3": ("公开的办理时限与实际不符",),
    "UNTRUE:C4": ("公示的收费标准与实际收费不一致",),
    "CONTENT_STALE": ("政务公开栏内容陈旧，仍为上年度信息", "网站“工作动态”栏目超过三个月未更新",
                      "执法结果未按月更新", "公开栏人员信息未随调整更新"),
    "NO_RESULT": ("只公开依据和程序，不公开办理结果", "公开就是公布，结果长期未公示"),
    "BOARD_MISSING": ("办事大厅公开栏损坏未修复", "未设置政务公开栏", "电子显示屏长期黑屏"),
    "WEBSITE_BROKEN": ("网站公开专栏空白", "网站“依申请公开”链接失效", "网站栏目打不开"),
    "GUIDE_MISSING": ("窗口未摆放办事指南", "明白纸取完未补放", "新闻发布未按计划开展"),
    "FEE_UNDISCLOSED": ("收费项目、依据和标准未公示", "服务收费未在显著位置公开"),
    "OVERTIME_YELLOW": ("办件超时办结，亮黄牌",),
    "OVERTIME_RED": ("办件严重超时，亮红牌",),
    "DUTY_NOT_MET": ("首问负责制未落实，群众被推诿", "一次告知未落实，群众多次往返"),
    "STAFF_ABSENT": ("暗访时窗口人员不在岗", "工作时间窗口无人"),
    "REPLY_LATE": ("群众来信书面答复超过7日", "电话咨询超过3日未回复"),
    "NO_LEADING_GROUP": ("未调整政务公开领导小组，工作机构不健全",),
    "NO_STAFF_FUNDS": ("无专人负责政务公开，无工作经费",),
    "NO_PLAN": ("未制定年度政务公开实施方案",),
    "NO_REQUEST_PROCEDURE": ("未建立依申请公开工作制度",),
    "REQUEST_MISHANDLED": ("依申请公开答复超过法定期限", "依申请公开答复未告知救济途径"),
    "NO_SUPERVISION_CHANNEL": ("未公开监督电话，未设意见箱", "未聘请社会监督员"),
    "DEMO_SITE_CITY": ("被评为市级政务公开示范点",),
    "DEMO_SITE_PROVINCE": ("被评为省级政务公开标准化规范化示范点",),
    "PRACTICE_PROMOTED": ("“一次告知、限时办结”做法被省政务公开办推广", "办事公开经验在全省会议上交流推广"),
    "SECRET_LEAK": ("公开的低保名单含有身份证号码和家庭住址，泄露个人隐私",),
    "FALSIFIED": ("迎检整改台账系事后补写，照片与现场不符，弄虚作假",),
}

# Indicators an inspector may name for the codes that need one.
GIVEN_INDICATORS = {
    "NOT_DISCLOSED": ("C1", "C2", "C3", "C4", "C5", "P1", "P2", "P3"),
    "INCOMPLETE": ("C1", "C3", "C5", "P1", "P2", "F3"),
    "UNTRUE": ("C1", "C3", "C4"),
}

SELF_NOTES = {
    "compliant": ("", "", "已按要求公开", "按月更新", "制度健全并落实"),
    "partial": ("部分事项公开不全，正在补充", "个别栏目更新不及时", "公开栏待更换"),
    "noncompliant": ("尚未完成，已列入整改计划",),
    "not_applicable": ("本单位无行政事业性收费项目",),
}

RECTIFY_NOTES = {
    "in_progress": "已制定整改方案，正在整改",
    "rectified": "已按要求整改到位",
    "verified": "经复查整改到位，予以销号",
}

# One overall question, as the seed's evaluation asked (依法履职、政务公开、服务态度、办事效率 together).
SURVEY_QUESTION = "您对该单位依法履职、政务公开、服务态度和办事效率的总体评价"

# Defect codes: (how often inspectors write it, points it nominally deducts). The points only aim a
# unit's total at its quality; the engine scores from the standard.
DEFECTS: dict[str, tuple[int, float]] = {
    "CONTENT_STALE": (18, 1), "INCOMPLETE": (14, 1), "NOT_DISCLOSED": (12, 2), "WEBSITE_BROKEN": (9, 1),
    "NO_RESULT": (7, 2), "GUIDE_MISSING": (7, 1), "BOARD_MISSING": (6, 1), "OVERTIME_YELLOW": (5, 0.5),
    "REPLY_LATE": (5, 0.5), "STAFF_ABSENT": (5, 0.5), "DUTY_NOT_MET": (4, 1), "FEE_UNDISCLOSED": (4, 2),
    "REQUEST_MISHANDLED": (3, 1), "OVERTIME_RED": (2, 1), "NO_SUPERVISION_CHANNEL": (2, 1), "UNTRUE": (1, 3),
}
# Missing basics (no leading group, no plan …): only the weakest units have them.
SEVERE: dict[str, float] = {"NO_LEADING_GROUP": 3, "NO_STAFF_FUNDS": 2, "NO_PLAN": 3, "NO_REQUEST_PROCEDURE": 3}
# What an inspector can have put right while standing there (当场纠正).
ON_THE_SPOT = frozenset({"CONTENT_STALE", "BOARD_MISSING", "GUIDE_MISSING", "WEBSITE_BROKEN", "STAFF_ABSENT"})
# Counted in several (people absent, cards shown, replies late) rather than found once.
COUNTED = frozenset({"STAFF_ABSENT", "OVERTIME_YELLOW", "REPLY_LATE"})

# Bonus and veto events per year: (code, unit type, slice of that type's units ranked best first, how
# many units). Bonuses go to good units; vetoes to middling ones, so the veto visibly costs a grade.
EVENTS = {
    "2024": (("DEMO_SITE_PROVINCE", "city_department", (0, 3), 1), ("DEMO_SITE_CITY", "city_department", (0, 12), 2),
             ("PRACTICE_PROMOTED", "city_department", (0, 20), 2),
             ("DEMO_SITE_CITY", "district_government", (0, 2), 1),
             ("SECRET_LEAK", "city_department", (20, 45), 1), ("FALSIFIED", "township", (4, 10), 1)),
    "2025": (("DEMO_SITE_PROVINCE", "city_department", (0, 3), 1), ("DEMO_SITE_CITY", "city_department", (0, 12), 3),
             ("PRACTICE_PROMOTED", "city_department", (0, 20), 4),
             ("DEMO_SITE_CITY", "district_government", (0, 2), 1),
             ("PRACTICE_PROMOTED", "public_institution", (0, 3), 1),
             ("SECRET_LEAK", "city_department", (20, 45), 1), ("FALSIFIED", "city_department", (20, 45), 1)),
}

# Inspection windows ((month, day), (month, day)): the scheduled spring and autumn checks, the mid-year
# unannounced one (明察暗访), and the year-end one, whose deadlines fall into the next year.
CHECK_ROUNDS = (((3, 10), (4, 30)), ((9, 8), (11, 14)))
SPOT_CHECK = ((6, 2), (7, 18))
YEAR_END_CHECK = ((12, 1), (12, 19))
AWARDS = ((5, 1), (12, 10))  # when commendations (示范点、经验推广) are announced

# Questionnaires issued per unit, and enquiries and complaints received a year, by unit type.
SURVEY_ISSUED = {"city_department": (40, 100), "district_government": (80, 160), "township": (30, 60),
                 "public_institution": (50, 100)}
CONTACTS = {"city_department": (80, 900), "busy": (2000, 9000), "no_window": (0, 20),
            "district_government": (1500, 6000), "township": (50, 400), "public_institution": (300, 3000)}
