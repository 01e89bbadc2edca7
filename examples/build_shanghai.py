"""Build examples/shanghai/: Shanghai's technology-transfer network as a CSV bundle.

Run ``python examples/build_shanghai.py [OUT]`` (default: the ``shanghai`` folder next to this
script). The output is the same bytes on every run: a fixed seed, rows sorted by id, relations
sorted, '\\n' line ends, no timestamps.

The real actors and figures come from the policy texts in ../shared/seeds/ (see
examples/shanghai/README.md for which file gives what); everything invented to fill the network
out carries the tag ``synthetic``. The network is built so that the questions in USERS.md have
answers worth looking at: hubs (the exchange, the eastern transfer centre, SJTU), universities
whose only way out is the eastern centre, district enterprises far from any university, brokers
that are the only bridge between a university and its enterprises, demands with proposed but
unaccepted solutions.
"""

from __future__ import annotations

import csv
import datetime
import random
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graphsvc.model import (
    ID_PATTERN,
    NODE_TYPES,
    RELATION_FILE,
    RELATION_TYPES,
    relation_type,
)

SEED = 20230510  # the date of the reply on the "from 1 to 10" stage (seed 001)
SYNTHETIC = "synthetic"

# --- figures from the seeds ------------------------------------------------------------------
EXCHANGE_LISTINGS = 1400  # 003: 1,400+ achievements listed on 上海技术交易所
EXCHANGE_UNITS, EXCHANGE_HOSPITALS, EXCHANGE_ENTERPRISES = 14, 1, 23  # 003: who joined the exchange
EAST_DOMESTIC_BRANCHES, EAST_OVERSEAS_BRANCHES = 23, 11  # 003
EAST_OVERSEAS_PARTNERS = 84  # 003: 80+ overseas partner institutions
EAST_OVERSEAS_TECHNOLOGIES = 200  # 003: 200+ overseas technologies carried in
MARKET_AGENCIES = 110  # 001: 100+ market transfer agencies
IP_PLEDGE_BANKS = 15  # 003
IP_PLEDGE_TOTAL_CNY = 3_841_000_000  # 003: IP-pledge financing 38.41 亿元 (2020)
INNOMATCH_DEMANDS, INNOMATCH_ENTERPRISES, INNOMATCH_SOLVED = 2617, 1385, 581  # 001
INNOMATCH_MATCH_RATE = 0.46  # 001: match rate up to 46%
INNOMATCH_DEALS_CNY = 1_830_000_000  # 001: 18.3 亿元 intended or signed
INNOMATCH_LAUNCH = datetime.date(2022, 8, 1)  # 001: released in August 2022
INNOMATCH_FIRST_SOLUTION_DAYS = 60  # synthetic: a solution comes two months after posting at the
# earliest; with it, under 20% of the demands posted by the end of 2022 are matched then and 46%
# by the end (001: "对接率从不足 20%提升至 46%")
TECHNOLOGY_MANAGERS = 150  # 001: 742 trained; a fifth of them here
CHANNELS, CHANNEL_COUNTRIES = 46, 35  # 003

FIELDS: tuple[str, ...] = (
    "新材料",
    "集成电路",
    "生物医药",
    "人工智能",
    "新能源",
    "高端装备",
    "电子信息",
    "节能环保",
    "海洋工程",
)
TOPICS = {
    "新材料": (
        "石墨烯导热膜",
        "高温合金",
        "碳纤维复合材料",
        "可降解聚酯",
        "特种纤维",
        "陶瓷基复合材料",
    ),
    "集成电路": ("硅光芯片", "先进封装", "射频前端", "SOI晶圆", "EDA布局算法", "MEMS工艺"),
    "生物医药": (
        "单克隆抗体",
        "mRNA递送载体",
        "CAR-T细胞治疗",
        "体外诊断试剂",
        "中药有效成分提取",
        "小分子靶向药",
    ),
    "人工智能": (
        "工业视觉检测",
        "大模型推理加速",
        "医学影像识别",
        "知识图谱",
        "自动驾驶感知",
        "智能调度",
    ),
    "新能源": (
        "固态电解质",
        "高镍正极材料",
        "钠离子电池",
        "氢燃料电池电堆",
        "钙钛矿光伏",
        "储能热管理",
    ),
    "高端装备": (
        "精密减速器",
        "协作机器人",
        "航空发动机叶片",
        "五轴数控机床",
        "盾构刀盘",
        "增材制造",
    ),
    "电子信息": ("激光雷达", "红外探测器", "量子通信", "卫星载荷", "柔性显示", "光纤传感"),
    "节能环保": ("膜法水处理", "碳捕集", "固废资源化", "VOCs催化治理", "余热回收", "土壤修复"),
    "海洋工程": (
        "船舶减阻涂层",
        "港口自动化",
        "水下机器人",
        "海水淡化",
        "深远海养殖装备",
        "LNG船舶围护",
    ),
}
TITLE_FORMS = (
    "一种{t}的制备方法",
    "{t}关键技术",
    "基于{t}的系统及装置",
    "{t}产业化技术",
    "高性能{t}",
)
IPC = {
    "新材料": ("C08L", "C01B", "C22C", "D01F"),
    "集成电路": ("H01L", "G06F"),
    "生物医药": ("A61K", "C12N", "G01N"),
    "人工智能": ("G06N", "G06V", "G06T"),
    "新能源": ("H01M", "H02J", "H10K"),
    "高端装备": ("B25J", "F16H", "B23Q", "B33Y"),
    "电子信息": ("H04B", "G01S", "H01S"),
    "节能环保": ("C02F", "B01D", "B09C"),
    "海洋工程": ("B63B", "B63C", "B65G"),
}

# Shanghai districts: (name, approximate centre, share of enterprises, fields it is known for)
DISTRICTS = {
    "浦东新区": ((31.2215, 121.5447), 25, ("集成电路", "生物医药", "人工智能", "海洋工程")),
    "闵行区": ((31.1128, 121.3817), 12, ("高端装备", "人工智能", "新能源")),
    "嘉定区": ((31.3747, 121.2655), 9, ("新能源", "高端装备", "电子信息")),
    "松江区": ((31.0323, 121.2277), 9, ("集成电路", "新材料", "人工智能")),
    "徐汇区": ((31.1883, 121.4365), 7, ("人工智能", "生物医药")),
    "杨浦区": ((31.2595, 121.5260), 7, ("人工智能", "节能环保", "电子信息")),
    "宝山区": ((31.4045, 121.4896), 7, ("新材料", "高端装备")),
    "青浦区": ((31.1497, 121.1241), 5, ("电子信息", "节能环保")),
    "奉贤区": ((30.9180, 121.4740), 5, ("生物医药", "新材料")),
    "普陀区": ((31.2494, 121.3975), 4, ("人工智能", "电子信息")),
    "长宁区": ((31.2203, 121.4241), 3, ("人工智能", "电子信息")),
    "静安区": ((31.2290, 121.4480), 3, ("生物医药", "人工智能")),
    "金山区": ((30.7417, 121.3418), 3, ("新材料", "节能环保")),
    "黄浦区": ((31.2317, 121.4846), 2, ("人工智能",)),
    "虹口区": ((31.2646, 121.5050), 2, ("节能环保", "电子信息")),
    "崇明区": ((31.6228, 121.3976), 1.5, ("海洋工程", "节能环保")),
}
# Yangtze-delta and other cities where Innomatch enterprises and the eastern centre's domestic
# branches sit: (city, province, lat, lon)
DOMESTIC_CITIES = (
    ("苏州", "江苏省", 31.2990, 120.5853),
    ("南京", "江苏省", 32.0603, 118.7969),
    ("无锡", "江苏省", 31.4912, 120.3119),
    ("南通", "江苏省", 31.9802, 120.8943),
    ("常州", "江苏省", 31.8107, 119.9741),
    ("杭州", "浙江省", 30.2741, 120.1551),
    ("宁波", "浙江省", 29.8683, 121.5440),
    ("嘉兴", "浙江省", 30.7464, 120.7555),
    ("湖州", "浙江省", 30.8943, 120.0868),
    ("合肥", "安徽省", 31.8206, 117.2272),
    ("芜湖", "安徽省", 31.3525, 118.4331),
    ("滁州", "安徽省", 32.3016, 118.3162),
    ("南昌", "江西省", 28.6820, 115.8579),
    ("武汉", "湖北省", 30.5928, 114.3055),
    ("长沙", "湖南省", 28.2282, 112.9388),
    ("成都", "四川省", 30.5728, 104.0668),
    ("重庆", "重庆市", 29.5630, 106.5516),
    ("西安", "陕西省", 34.3416, 108.9398),
    ("郑州", "河南省", 34.7466, 113.6254),
    ("济南", "山东省", 36.6512, 117.1201),
    ("青岛", "山东省", 36.0671, 120.3826),
    ("厦门", "福建省", 24.4798, 118.0894),
    ("深圳", "广东省", 22.5431, 114.0579),
    ("昆明", "云南省", 25.0389, 102.7183),
)

# 35 countries, 46 channels: (country, city, lat, lon); the first city of a country is listed first.
CHANNEL_CITIES = (
    ("DE", "Stuttgart"),
    ("DE", "München"),
    ("DE", "Hannover"),
    ("US", "Boston"),
    ("US", "San Jose"),
    ("US", "Houston"),
    ("US", "Pittsburgh"),
    ("GB", "Cambridge"),
    ("GB", "Manchester"),
    ("FR", "Paris"),
    ("FR", "Grenoble"),
    ("IL", "Tel Aviv"),
    ("IL", "Haifa"),
    ("JP", "Osaka"),
    ("JP", "Tokyo"),
    ("KR", "Seoul"),
    ("KR", "Daejeon"),
    ("SG", "Singapore"),
    ("FI", "Helsinki"),
    ("IT", "Milano"),
    ("RU", "Moscow"),
    ("NL", "Eindhoven"),
    ("BE", "Leuven"),
    ("CH", "Zürich"),
    ("AT", "Wien"),
    ("SE", "Stockholm"),
    ("DK", "København"),
    ("NO", "Oslo"),
    ("ES", "Barcelona"),
    ("PT", "Lisboa"),
    ("IE", "Dublin"),
    ("CA", "Toronto"),
    ("AU", "Melbourne"),
    ("NZ", "Auckland"),
    ("BR", "São Paulo"),
    ("AR", "Buenos Aires"),
    ("CL", "Santiago"),
    ("MX", "Monterrey"),
    ("ZA", "Johannesburg"),
    ("EG", "Cairo"),
    ("AE", "Dubai"),
    ("SA", "Riyadh"),
    ("TH", "Bangkok"),
    ("MY", "Kuala Lumpur"),
    ("IN", "Bengaluru"),
    ("SG", "Singapore Science Park"),
)
CITY_COORDINATES = {
    "Stuttgart": (48.78, 9.18),
    "München": (48.14, 11.58),
    "Hannover": (52.37, 9.74),
    "Boston": (42.36, -71.06),
    "San Jose": (37.34, -121.89),
    "Houston": (29.76, -95.37),
    "Pittsburgh": (40.44, -80.00),
    "Cambridge": (52.21, 0.12),
    "Manchester": (53.48, -2.24),
    "Paris": (48.86, 2.35),
    "Grenoble": (45.19, 5.72),
    "Tel Aviv": (32.09, 34.78),
    "Haifa": (32.79, 34.99),
    "Osaka": (34.69, 135.50),
    "Tokyo": (35.68, 139.69),
    "Seoul": (37.57, 126.98),
    "Daejeon": (36.35, 127.38),
    "Singapore": (1.35, 103.82),
    "Helsinki": (60.17, 24.94),
    "Milano": (45.46, 9.19),
    "Moscow": (55.76, 37.62),
    "Eindhoven": (51.44, 5.47),
    "Leuven": (50.88, 4.70),
    "Zürich": (47.38, 8.54),
    "Wien": (48.21, 16.37),
    "Stockholm": (59.33, 18.07),
    "København": (55.68, 12.57),
    "Oslo": (59.91, 10.75),
    "Barcelona": (41.39, 2.17),
    "Lisboa": (38.72, -9.14),
    "Dublin": (53.35, -6.26),
    "Toronto": (43.65, -79.38),
    "Melbourne": (-37.81, 144.96),
    "Auckland": (-36.85, 174.76),
    "São Paulo": (-23.55, -46.63),
    "Buenos Aires": (-34.60, -58.38),
    "Santiago": (-33.45, -70.67),
    "Monterrey": (25.69, -100.32),
    "Johannesburg": (-26.20, 28.05),
    "Cairo": (30.04, 31.24),
    "Dubai": (25.20, 55.27),
    "Riyadh": (24.71, 46.68),
    "Bangkok": (13.76, 100.50),
    "Kuala Lumpur": (3.14, 101.69),
    "Bengaluru": (12.97, 77.59),
    "Singapore Science Park": (1.29, 103.79),
}
# The eastern centre's 11 overseas branches (which countries is not in the seeds: made up).
EAST_BRANCH_CITIES = (
    "Stuttgart",
    "Boston",
    "Cambridge",
    "Paris",
    "Tel Aviv",
    "Osaka",
    "Seoul",
    "Singapore",
    "Helsinki",
    "Milano",
    "Moscow",
)

# Real units: id, name, kind, name_en, district, lat, lon, founded, fields, weight (activity)
PILOT_UNITS = ("uni:sjtu", "uni:fudan", "cas:simit", "uni:shu", "uni:usst", "uni:shmtu")  # 004
UNITS = (
    (
        "uni:sjtu",
        "上海交通大学",
        "university",
        "Shanghai Jiao Tong University",
        "闵行区",
        31.0252,
        121.4337,
        1896,
        ("高端装备", "集成电路", "生物医药", "海洋工程", "人工智能"),
        40,
    ),
    (
        "uni:fudan",
        "复旦大学",
        "university",
        "Fudan University",
        "杨浦区",
        31.2990,
        121.5015,
        1905,
        ("生物医药", "集成电路", "人工智能"),
        30,
    ),
    (
        "cas:simit",
        "中国科学院上海微系统与信息技术研究所",
        "research_institute",
        "Shanghai Institute of Microsystem and Information Technology, CAS",
        "长宁区",
        31.2035,
        121.4240,
        1928,
        ("集成电路", "电子信息"),
        14,
    ),
    (
        "uni:shu",
        "上海大学",
        "university",
        "Shanghai University",
        "宝山区",
        31.3175,
        121.3930,
        None,
        ("新材料", "人工智能", "高端装备"),
        14,
    ),
    (
        "uni:usst",
        "上海理工大学",
        "university",
        "University of Shanghai for Science and Technology",
        "杨浦区",
        31.2925,
        121.5550,
        None,
        ("高端装备", "节能环保", "电子信息"),
        10,
    ),
    (
        "uni:shmtu",
        "上海海事大学",
        "university",
        "Shanghai Maritime University",
        "浦东新区",
        30.8795,
        121.8925,
        None,
        ("海洋工程", "高端装备"),
        7,
    ),
    (
        "uni:tongji",
        "同济大学",
        "university",
        "Tongji University",
        "杨浦区",
        31.2840,
        121.5020,
        1907,
        ("节能环保", "新能源", "人工智能", "高端装备"),
        24,
    ),
    (
        "uni:ecnu",
        "华东师范大学",
        "university",
        "East China Normal University",
        "闵行区",
        31.0290,
        121.4480,
        1951,
        ("电子信息", "人工智能", "节能环保"),
        10,
    ),
    (
        "uni:ecust",
        "华东理工大学",
        "university",
        "East China University of Science and Technology",
        "徐汇区",
        31.1440,
        121.4250,
        1952,
        ("新材料", "生物医药", "节能环保"),
        14,
    ),
    (
        "uni:dhu",
        "东华大学",
        "university",
        "Donghua University",
        "松江区",
        31.0560,
        121.2140,
        None,
        ("新材料",),
        8,
    ),
    (
        "uni:sufe",
        "上海财经大学",
        "university",
        "Shanghai University of Finance and Economics",
        "杨浦区",
        31.3060,
        121.4980,
        None,
        ("人工智能",),
        2,
    ),
    (
        "uni:shutcm",
        "上海中医药大学",
        "university",
        "Shanghai University of Traditional Chinese Medicine",
        "浦东新区",
        31.2000,
        121.5940,
        None,
        ("生物医药",),
        5,
    ),
    (
        "uni:sues",
        "上海工程技术大学",
        "university",
        "Shanghai University of Engineering Science",
        "松江区",
        31.0420,
        121.2010,
        None,
        ("高端装备", "新材料"),
        4,
    ),
    (
        "uni:sit",
        "上海应用技术大学",
        "university",
        "Shanghai Institute of Technology",
        "奉贤区",
        30.8370,
        121.5060,
        None,
        ("新材料", "生物医药"),
        4,
    ),
    (
        "uni:shiep",
        "上海电力大学",
        "university",
        "Shanghai University of Electric Power",
        "浦东新区",
        30.8900,
        121.9000,
        None,
        ("新能源",),
        4,
    ),
    (
        "uni:shou",
        "上海海洋大学",
        "university",
        "Shanghai Ocean University",
        "浦东新区",
        30.8830,
        121.8900,
        None,
        ("海洋工程",),
        3,
    ),
    (
        "uni:shnu",
        "上海师范大学",
        "university",
        "Shanghai Normal University",
        "徐汇区",
        31.1630,
        121.4170,
        None,
        ("新材料", "电子信息"),
        3,
    ),
    (
        "uni:shanghaitech",
        "上海科技大学",
        "university",
        "ShanghaiTech University",
        "浦东新区",
        31.1790,
        121.5900,
        2013,
        ("集成电路", "生物医药", "人工智能"),
        8,
    ),
    (
        "uni:sspu",
        "上海第二工业大学",
        "university",
        "Shanghai Polytechnic University",
        "浦东新区",
        31.2480,
        121.6350,
        None,
        ("节能环保",),
        1,
    ),
    (
        "uni:sdju",
        "上海电机学院",
        "university",
        "Shanghai Dianji University",
        "浦东新区",
        30.9010,
        121.9160,
        None,
        ("高端装备",),
        1,
    ),
    (
        "cas:sioc",
        "中国科学院上海有机化学研究所",
        "research_institute",
        "Shanghai Institute of Organic Chemistry, CAS",
        "徐汇区",
        31.1960,
        121.4430,
        1950,
        ("新材料", "生物医药"),
        10,
    ),
    (
        "cas:simm",
        "中国科学院上海药物研究所",
        "research_institute",
        "Shanghai Institute of Materia Medica, CAS",
        "浦东新区",
        31.1960,
        121.5930,
        1932,
        ("生物医药",),
        12,
    ),
    (
        "cas:sic",
        "中国科学院上海硅酸盐研究所",
        "research_institute",
        "Shanghai Institute of Ceramics, CAS",
        "长宁区",
        31.2110,
        121.4200,
        None,
        ("新材料", "新能源"),
        8,
    ),
    (
        "cas:siom",
        "中国科学院上海光学精密机械研究所",
        "research_institute",
        "Shanghai Institute of Optics and Fine Mechanics, CAS",
        "嘉定区",
        31.3830,
        121.2440,
        1964,
        ("电子信息", "高端装备"),
        7,
    ),
    (
        "cas:sitp",
        "中国科学院上海技术物理研究所",
        "research_institute",
        "Shanghai Institute of Technical Physics, CAS",
        "虹口区",
        31.2670,
        121.4790,
        None,
        ("电子信息",),
        5,
    ),
    (
        "cas:sari",
        "中国科学院上海高等研究院",
        "research_institute",
        "Shanghai Advanced Research Institute, CAS",
        "浦东新区",
        31.1880,
        121.5990,
        None,
        ("新能源", "集成电路"),
        6,
    ),
    (
        "nri:siti",
        "上海产业技术研究院",
        "new_rd_institution",
        "Shanghai Industrial Technology Institute",
        None,
        None,
        None,
        None,
        ("集成电路", "新材料"),
        5,
    ),
    (
        "hos:ruijin",
        "上海交通大学医学院附属瑞金医院",
        "hospital",
        "Ruijin Hospital",
        "黄浦区",
        31.2110,
        121.4680,
        None,
        ("生物医药",),
        4,
    ),
    (
        "hos:zhongshan",
        "复旦大学附属中山医院",
        "hospital",
        "Zhongshan Hospital, Fudan University",
        "徐汇区",
        31.1990,
        121.4530,
        None,
        ("生物医药",),
        4,
    ),
    (
        "hos:sixth",
        "上海市第六人民医院",
        "hospital",
        "Shanghai Sixth People's Hospital",
        "徐汇区",
        31.1800,
        121.4290,
        None,
        ("生物医药", "高端装备"),
        2,
    ),
)
# Parks and zones named in seed 003 (and 000 for 张江), and the two government bodies of 000/003.
PARKS = (
    (
        "park:zhangjiang",
        "张江高科技园区",
        "science_park",
        "Zhangjiang Hi-Tech Park",
        "浦东新区",
        31.2050,
        121.6010,
    ),
    (
        "park:zizhu",
        "紫竹国家高新技术产业开发区",
        "science_park",
        "Zizhu Hi-Tech Industrial Development Zone",
        "闵行区",
        31.0220,
        121.4520,
    ),
    (
        "park:caohejing",
        "漕河泾新兴技术开发区",
        "science_park",
        "Caohejing Hi-Tech Park",
        "徐汇区",
        31.1700,
        121.3960,
    ),
    (
        "park:lingang",
        "临港新片区",
        "science_park",
        "Lingang Special Area",
        "浦东新区",
        30.9000,
        121.9300,
    ),
    (
        "park:g60",
        "松江G60科创走廊",
        "science_park",
        "G60 Science and Innovation Corridor",
        "松江区",
        31.0300,
        121.2300,
    ),
    (
        "park:tongji-circle",
        "环同济知识经济圈",
        "science_park",
        "Tongji Knowledge Economy Circle",
        "杨浦区",
        31.2800,
        121.5000,
    ),
    (
        "park:zero-bay",
        "未来零号湾创新创业集聚区",
        "incubator",
        "Zero Bay Innovation Cluster",
        "闵行区",
        31.0230,
        121.4400,
    ),
    (
        "park:sino-israel",
        "中以（上海）创新园",
        "science_park",
        "Sino-Israel (Shanghai) Innovation Park",
        "普陀区",
        31.2700,
        121.3950,
    ),
    (
        "gov:stcsm",
        "上海市科学技术委员会",
        "government",
        "Science and Technology Commission of Shanghai Municipality",
        None,
        None,
        None,
    ),
    (
        "gov:sipa",
        "上海市知识产权局",
        "government",
        "Shanghai Intellectual Property Administration",
        None,
        None,
        None,
    ),
)
DE_PARTNERING_UNITS = ("uni:sjtu", "uni:tongji")  # reach Germany directly, not only via the centre
EAST_ONLY_UNITS = ("uni:sspu", "uni:sdju")  # reach the world only through the eastern centre
REMOTE_DISTRICTS = ("崇明区", "金山区")  # where the enterprises far from universities sit

SYLLABLES = "华瑞澜芯睿宏博远鼎晟启航恒锐泽源微联智创驰海川云峰凯谱科信达安泰德普利康成盛辰"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娟建国志"


@dataclass
class Network:
    """The network being built: rows per node type, relations keyed by (source, type, target)."""

    rows: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    type_of: dict[str, str] = field(default_factory=dict)
    relations: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)

    def add(self, type_name: str, node_id: str, **values: object) -> str:
        """Add a node; ``None`` values stay empty. Returns the id."""
        assert ID_PATTERN.fullmatch(node_id) and node_id not in self.type_of, node_id
        self.type_of[node_id] = type_name
        self.rows.setdefault(type_name, {})[node_id] = {
            k: "" if v is None else str(v) for k, v in values.items()
        }
        return node_id

    def relate(self, source: str, type_name: str, target: str, **values: object) -> bool:
        """Add a relation unless it (or, for a symmetric type, its reverse) is there already."""
        rel = relation_type(type_name)
        assert rel.fits(self.type_of[source], self.type_of[target]), (source, type_name, target)
        if source == target or (source, type_name, target) in self.relations:
            return False
        if rel.symmetric and (target, type_name, source) in self.relations:
            return False
        self.relations[(source, type_name, target)] = {
            k: "" if v is None else str(v) for k, v in values.items()
        }
        return True

    def ids(self, type_name: str, **match: str) -> list[str]:
        """The ids of ``type_name`` nodes whose columns equal ``match``, in insertion order."""
        return [
            node_id
            for node_id, row in self.rows.get(type_name, {}).items()
            if all(row.get(k) == v for k, v in match.items())
        ]


class Builder:
    """Draws the made-up part of the network around the real actors, deterministically."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.net = Network()
        self.names: set[str] = set()
        self.activity: dict[str, float] = {}
        self.fields_of: dict[str, tuple[str, ...]] = {}
        self.remote_achievements: list[str] = []  # developed by the enterprises far from units
        self.remote_agencies: list[str] = []  # the agencies that serve only those enterprises
        self.achievements_from_abroad: set[str] = set()

    # -- small helpers ---------------------------------------------------------------------
    def word(self, length: int = 2) -> str:
        return "".join(self.rng.choices(SYLLABLES, k=length))

    def unique(self, *names: str) -> str:
        """The first of ``names`` not used yet, else the first with syllables put in front."""
        for name in names:
            if name not in self.names:
                self.names.add(name)
                return name
        return self.unique(self.word(1) + names[0])

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choices(GIVEN, k=self.rng.randint(1, 2))
        )

    def date(self, start: datetime.date, end: datetime.date) -> str:
        return (start + datetime.timedelta(days=self.rng.randrange((end - start).days))).isoformat()

    def amount(self, median: float, spread: float = 1.0) -> str:
        return f"{median * self.rng.lognormvariate(0, spread):.0f}"

    def maybe(self, value: object, chance: float = 0.8) -> object:
        return value if self.rng.random() < chance else None

    def pick(self, ids: Sequence[str], k: int = 1, exponent: float = 1.0) -> list[str]:
        """``k`` distinct ids, each chosen with probability ∝ activity ** exponent."""
        k = min(k, len(ids))
        weights = [self.activity.get(i, 1.0) ** exponent for i in ids]
        chosen: dict[str, None] = {}
        while len(chosen) < k:
            chosen[self.rng.choices(ids, weights)[0]] = None
        return list(chosen)

    def coordinates(self, centre: tuple[float, float], spread: float) -> tuple[str, str]:
        lat = centre[0] + self.rng.uniform(-spread, spread)
        lon = centre[1] + self.rng.uniform(-spread, spread)
        return f"{lat:.4f}", f"{lon:.4f}"

    # -- the real actors ---------------------------------------------------------------------
    def real_actors(self) -> None:
        """Units, parks, exchanges, the eastern centre and its branches, platforms, funds."""
        net = self.net
        for uid, name, kind, name_en, district, lat, lon, founded, fields, weight in UNITS:
            tags = "赋权试点" if uid in PILOT_UNITS else None
            net.add(
                "Institution",
                uid,
                name=name,
                kind=kind,
                name_en=name_en,
                region=district,
                country="CN",
                city="上海",
                lat=lat,
                lon=lon,
                founded=founded,
                tags=tags,
            )
            self.activity[uid] = weight
            self.fields_of[uid] = fields
            self.names.add(name)
        for pid, name, kind, name_en, district, lat, lon in PARKS:
            net.add(
                "Institution",
                pid,
                name=name,
                kind=kind,
                name_en=name_en,
                region=district,
                country="CN",
                city="上海",
                lat=lat,
                lon=lon,
            )
            self.activity[pid] = 3
        brokers = (
            ("brk:stex", "上海技术交易所", "exchange", None, 2020, 60),  # 003: opened 2020-10-28
            ("brk:east", "国家技术转移东部中心", "platform", None, None, 40),
            ("brk:sipex", "上海知识产权交易中心", "exchange", None, None, 12),
            ("brk:itpc", "上海市国际技术进出口促进中心", "agency", None, None, 8),  # 000
            (
                "brk:innomatch",
                "全球技术供需对接平台（Innomatch）",
                "platform",
                None,
                2022,
                20,
            ),  # 001
            ("brk:poc-usst", "上海理工大学概念验证中心", "poc_center", "杨浦区", None, 3),  # 001
            ("brk:poc-ecust", "华东理工大学概念验证中心", "poc_center", "徐汇区", None, 3),  # 001
            ("brk:ipfin", "上海市知识产权金融服务联盟", "association", None, None, 4),  # 003
        )
        for bid, name, kind, district, founded, weight in brokers:
            net.add(
                "Broker",
                bid,
                name=name,
                kind=kind,
                region=district,
                country="CN",
                certified="true" if kind in ("exchange", "platform") else None,
                founded=founded,
            )
            self.activity[bid] = weight
        investors = (
            ("inv:national-fund", "国家科技成果转化引导基金", "guidance_fund", None, 8),  # 000, 002
            ("inv:sh-vc-fund", "上海市创业投资引导基金", "guidance_fund", "黄浦区", 8),  # 000
            (
                "inv:baoshan-fund",
                "宝山区科技成果转化“先投后股”专项资金",
                "government_fund",
                "宝山区",
                3,
            ),
            ("inv:cdb-sh", "国家开发银行上海市分行", "bank", "浦东新区", 4),  # 000
        )
        for iid, name, kind, district, weight in investors:
            net.add("Investor", iid, name=name, kind=kind, region=district, country="CN")
            self.activity[iid] = weight

    # -- made-up actors ----------------------------------------------------------------------
    def channels(self) -> None:
        """46 channels in 35 countries; 11 of them the eastern centre's overseas branches."""
        assert len(CHANNEL_CITIES) == CHANNELS
        assert len({c for c, _ in CHANNEL_CITIES}) == CHANNEL_COUNTRIES
        for country, city in CHANNEL_CITIES:
            cid = f"chn:{country.lower()}-{city.lower().replace(' ', '-')}"
            cid = unicodedata.normalize("NFKD", cid).encode("ascii", "ignore").decode()
            east = city in EAST_BRANCH_CITIES
            name = (
                f"国家技术转移东部中心{city}海外分中心" if east else f"上海{city}国际技术转移渠道"
            )
            self.net.add(
                "OverseasChannel",
                cid,
                name=name,
                country=country,
                partner=self.maybe(f"{city} innovation partner (illustrative)", 0.6),
                city=city,
                established=self.rng.randint(2014, 2021),
                tags=SYNTHETIC,
            )
            self.activity[cid] = 3 if east else 1 + self.rng.random() * 2

    def overseas_partners(self) -> None:
        """84 partner institutions abroad, each working through a channel in its country."""
        channels = self.net.ids("OverseasChannel")
        kinds = ("university", "research_institute", "enterprise")
        for n in range(EAST_OVERSEAS_PARTNERS):
            channel = channels[n % len(channels)]
            row = self.net.rows["OverseasChannel"][channel]
            city, country = row["city"], row["country"]
            kind = kinds[n % 3]
            field_ = FIELDS[n % len(FIELDS)]
            label = {"university": "大学", "research_institute": "研究所", "enterprise": "公司"}[
                kind
            ]
            lat, lon = self.coordinates(CITY_COORDINATES[city], 0.05)
            pid = self.net.add(
                "Institution",
                f"abroad:{n + 1:03d}",
                name=self.unique(
                    f"{city}{field_}{label}（海外合作机构）",
                    f"{city}{field_}{label}（海外合作机构{n + 1}）",
                ),
                kind=kind,
                name_en=f"{city} partner {n + 1} (illustrative)",
                country=country,
                city=city,
                lat=lat,
                lon=lon,
                tags=SYNTHETIC,
            )
            self.activity[pid] = 1
            self.fields_of[pid] = (field_,)
            self.net.relate(
                pid,
                "PARTNERS_WITH",
                channel,
                date=self.date(datetime.date(2016, 1, 1), datetime.date(2022, 12, 31)),
            )

    def brokers(self) -> None:
        """Domestic branches, transfer offices, market agencies, PoC centres, managers."""
        net = self.net
        for n, (city, province, _, _) in enumerate(DOMESTIC_CITIES[:EAST_DOMESTIC_BRANCHES]):
            bid = net.add(
                "Broker",
                f"brk:east-{n + 1:02d}",
                name=f"国家技术转移东部中心{city}分中心",
                kind="platform",
                region=province,
                country="CN",
                certified="true",
                founded=self.rng.randint(2015, 2021),
                tags=SYNTHETIC,
            )
            self.activity[bid] = 2
        for uid, name, kind, *_ in UNITS:
            if kind in ("university", "research_institute") and uid not in EAST_ONLY_UNITS:
                bid = net.add(
                    "Broker",
                    f"tto:{uid.split(':')[1]}",
                    name=f"{name}技术转移中心",
                    kind="transfer_office",
                    region=net.rows["Institution"][uid]["region"],
                    country="CN",
                    certified=self.maybe("true", 0.6),
                    founded=self.rng.randint(2012, 2020),
                    tags=SYNTHETIC,
                )
                self.activity[bid] = self.activity[uid] / 3
                net.relate(bid, "SERVES", uid, weight=5)
        districts = list(DISTRICTS)
        for n in range(MARKET_AGENCIES):
            district = self.rng.choices(districts, [d[1] for d in DISTRICTS.values()])[0]
            if n < 3:  # the agencies of the remote districts serve only their own enterprises
                district = REMOTE_DISTRICTS[n % 2]
            suffix = self.rng.choice(
                ("技术转移服务有限公司", "知识产权服务有限公司", "科技咨询有限公司")
            )
            bid = net.add(
                "Broker",
                f"agency:{n + 1:03d}",
                name=self.unique(f"上海{self.word()}{suffix}"),
                kind="agency",
                region=district,
                country="CN",
                certified=self.maybe("true", 0.4),
                founded=self.rng.randint(2000, 2022),
                tags=SYNTHETIC,
            )
            self.activity[bid] = 0.3 if n < 3 else self.rng.paretovariate(1.3)
        for n, (district, host) in enumerate(
            (
                ("浦东新区", "张江"),
                ("闵行区", "零号湾"),
                ("嘉定区", "嘉定"),
                ("松江区", "G60"),
                ("杨浦区", "环同济"),
                ("徐汇区", "漕河泾"),
            )
        ):
            bid = net.add(
                "Broker",
                f"poc:{n + 1:02d}",
                name=f"{host}概念验证中心",
                kind="poc_center",
                region=district,
                country="CN",
                founded=self.rng.randint(2021, 2023),
                tags=SYNTHETIC,
            )
            self.activity[bid] = 1.5
        for n in range(TECHNOLOGY_MANAGERS):
            bid = net.add(
                "Broker",
                f"tm:{n + 1:03d}",
                name=self.unique(self.person() + "（技术经理人）"),
                kind="technology_manager",
                region=self.maybe(self.rng.choice(districts)),
                country="CN",
                certified=self.maybe(self.rng.choice(("true", "false"))),
                tags=SYNTHETIC,
            )
            self.activity[bid] = self.rng.paretovariate(2.0) * 0.5

    def investors(self) -> None:
        """15 IP-pledge banks, district funds, VCs, angels, insurers, corporate VCs."""
        net = self.net
        bank_words = (
            "浦江",
            "申城",
            "东海",
            "长江",
            "明珠",
            "黄浦江",
            "金桥",
            "外滩",
            "陆家嘴",
            "虹桥",
            "江南",
            "海港",
            "申江",
            "滨江",
            "东方",
        )
        for n, word in enumerate(bank_words[:IP_PLEDGE_BANKS]):
            iid = net.add(
                "Investor",
                f"bank:{n + 1:02d}",
                name=f"{word}商业银行上海科技支行",
                kind="bank",
                region=self.rng.choice(("浦东新区", "黄浦区", "静安区")),
                country="CN",
                aum_cny=None,
                tags=f"{SYNTHETIC};知识产权质押",
            )
            self.activity[iid] = self.rng.paretovariate(1.5)
        mix = (
            ("guidance_fund", "区科技成果转化引导基金", 8),
            ("vc", "创业投资管理有限公司", 45),
            ("angel", "天使投资基金", 15),
            ("insurer", "科技保险股份有限公司", 3),
            ("corporate_vc", "产业投资有限公司", 10),
        )
        n = 0
        for kind, suffix, count in mix:
            for _ in range(count):
                n += 1
                if kind == "guidance_fund":
                    district = list(DISTRICTS)[n % len(DISTRICTS)]
                    name = self.unique(f"{district[:-1]}{suffix}")
                else:
                    district = self.rng.choice(("浦东新区", "黄浦区", "静安区", "徐汇区", "长宁区"))
                    name = self.unique(f"上海{self.word()}{suffix}")
                iid = net.add(
                    "Investor",
                    f"inv:{n:03d}",
                    name=name,
                    kind=kind,
                    region=district,
                    country="CN" if self.rng.random() < 0.9 else "US",
                    aum_cny=self.maybe(self.amount(5e8, 1.2)),
                    tags=SYNTHETIC,
                )
                self.activity[iid] = self.rng.paretovariate(1.4)

    def enterprises(self, count: int) -> list[str]:
        """Enterprises in the districts (a few in other cities), with fields and coordinates."""
        net = self.net
        districts = list(DISTRICTS)
        ids = []
        for n in range(count):
            if self.rng.random() < 0.12:  # Innomatch and the branches reach beyond Shanghai
                city, province, lat0, lon0 = self.rng.choice(DOMESTIC_CITIES)
                region, centre, fields = province, (lat0, lon0), FIELDS
                city_name = city
            else:
                region = self.rng.choices(districts, [d[1] for d in DISTRICTS.values()])[0]
                centre, _, fields = DISTRICTS[region]
                city_name = "上海"
            field_ = self.rng.choice(fields) if self.rng.random() < 0.7 else self.rng.choice(FIELDS)
            prefix = "上海" if city_name == "上海" else city_name
            name = self.unique(
                f"{prefix}{self.word()}{field_}科技有限公司",
                f"{prefix}{self.word()}{field_}技术有限公司",
            )
            lat, lon = self.coordinates(centre, 0.06) if self.rng.random() < 0.9 else (None, None)
            eid = net.add(
                "Institution",
                f"ent:{n + 1:04d}",
                name=name,
                kind="enterprise",
                name_en=None,
                region=region,
                country="CN",
                city=city_name,
                lat=lat,
                lon=lon,
                founded=self.rng.randint(1995, 2023),
                tags=";".join(
                    [
                        SYNTHETIC,
                        *self.rng.sample(
                            ("高新技术企业", "专精特新", "科技小巨人"), self.rng.randint(0, 1)
                        ),
                    ]
                ),
            )
            self.activity[eid] = min(self.rng.paretovariate(1.6), 20.0)
            self.fields_of[eid] = (field_,)
            ids.append(eid)
        return ids

    # -- the relations -----------------------------------------------------------------------
    def achievements(self, developers: list[str], count: int) -> dict[str, list[str]]:
        """Achievements, each developed by one unit (a few jointly); returned by field."""
        net = self.net
        by_field: dict[str, list[str]] = {f: [] for f in FIELDS}
        weights = [self.activity[d] ** 1.3 for d in developers]
        for n in range(count):
            developer = self.rng.choices(developers, weights)[0]
            field_ = self.rng.choice(self.fields_of[developer])
            aid = self.new_achievement(n, field_)
            net.relate(
                developer,
                "DEVELOPED",
                aid,
                date=self.maybe(self.date(datetime.date(2016, 1, 1), datetime.date(2023, 6, 30))),
            )
            if self.rng.random() < 0.12:  # joint work with a second unit
                partner = self.pick(developers, 1, 1.3)[0]
                net.relate(partner, "DEVELOPED", aid)
            by_field[field_].append(aid)
        return by_field

    def new_achievement(self, n: int, field_: str) -> str:
        topic = self.rng.choice(TOPICS[field_])
        group = f"{self.rng.randint(1, 99)}/{self.rng.randint(0, 99):02d}"
        ipc = f"{self.rng.choice(IPC[field_])} {group}"
        return self.net.add(
            "Achievement",
            f"ach:{n + 1:05d}",
            title=self.rng.choice(TITLE_FORMS).format(t=topic),
            field=field_,
            year=self.maybe(self.rng.randint(2016, 2023), 0.9),
            trl=self.maybe(self.rng.choices(range(1, 10), (1, 3, 6, 8, 8, 6, 4, 2, 1))[0]),
            status="available",
            ipc=self.maybe(ipc, 0.7),
            value_cny=self.maybe(self.amount(8e5, 1.2), 0.6),
            tags=SYNTHETIC,
        )

    def build(self) -> Network:
        net = self.net
        self.real_actors()
        self.channels()
        self.overseas_partners()
        self.brokers()
        self.investors()
        enterprises = self.enterprises(2050)
        remote = [
            e for e in enterprises if net.rows["Institution"][e]["region"] in REMOTE_DISTRICTS
        ]
        ordinary = [e for e in enterprises if e not in set(remote)]
        units = [u[0] for u in UNITS if u[0] not in EAST_ONLY_UNITS]
        abroad = [i for i in net.ids("Institution") if i.startswith("abroad:")]
        self.link_achievements(units, ordinary, remote, abroad)
        self.link_demands(ordinary, remote)
        self.link_brokers(units, ordinary, remote)
        self.link_investors(ordinary, remote)
        self.link_channels(units)
        self.link_collaborations(units, ordinary, remote)
        self.link_east_only_units()
        self.link_loners(ordinary)
        return net

    def link_achievements(
        self, units: list[str], ordinary: list[str], remote: list[str], abroad: list[str]
    ) -> None:
        """Develop, list, broker and transfer achievements."""
        net, rng = self.net, self.rng
        developers = units + rng.sample(ordinary, 300)
        by_field = self.achievements(developers, 2400)
        start = len(net.rows["Achievement"])
        for n, partner in enumerate(abroad * 3):  # 200+ overseas technologies carried in
            if n >= EAST_OVERSEAS_TECHNOLOGIES + 12:
                break
            field_ = self.fields_of[partner][0]
            aid = self.new_achievement(start + n, field_)
            net.relate(partner, "DEVELOPED", aid)
            self.achievements_from_abroad.add(aid)
            net.relate(
                "brk:east",
                "BROKERED",
                aid,
                date=self.maybe(self.date(datetime.date(2017, 1, 1), datetime.date(2020, 12, 31))),
            )
            by_field[field_].append(aid)
        for n, enterprise in enumerate(remote[: len(remote) // 2]):  # the remote ones' own patents
            aid = self.new_achievement(start + 300 + n, self.fields_of[enterprise][0])
            net.relate(enterprise, "DEVELOPED", aid)
            self.remote_achievements.append(aid)
        listed = rng.sample(
            [
                a
                for a in net.ids("Achievement")
                if a not in set(self.remote_achievements) and a not in self.achievements_from_abroad
            ],
            EXCHANGE_LISTINGS,
        )
        for aid in listed:
            net.relate(
                "brk:stex",
                "BROKERED",
                aid,
                date=self.date(datetime.date(2020, 10, 28), datetime.date(2023, 4, 30)),
            )
            net.rows["Achievement"][aid]["status"] = "listed"
        other_brokers = [
            b
            for b in net.ids("Broker")
            if b not in ("brk:stex", "brk:innomatch") and not b.startswith("agency:00")
        ]
        self.remote_agencies = [
            b
            for b in net.ids("Broker", kind="agency")
            if net.rows["Broker"][b]["region"] in REMOTE_DISTRICTS
        ][:3]
        other_brokers = [b for b in other_brokers if b not in self.remote_agencies]
        for aid in net.ids("Achievement"):
            if aid in self.remote_achievements:
                net.relate(rng.choice(self.remote_agencies), "BROKERED", aid)
                continue
            for broker in self.pick(other_brokers, rng.choice((0, 0, 1, 1, 2)), 1.0):
                net.relate(
                    broker,
                    "BROKERED",
                    aid,
                    date=self.maybe(
                        self.date(datetime.date(2017, 1, 1), datetime.date(2023, 4, 30)), 0.6
                    ),
                )
        for aid in net.ids("Achievement"):
            status = net.rows["Achievement"][aid]["status"]
            chance = 0.35 if status == "listed" else 0.22
            if aid in self.remote_achievements or rng.random() > chance:
                if status == "available" and any(
                    (b, "BROKERED", aid) in net.relations for b in other_brokers[:40]
                ):
                    net.rows["Achievement"][aid]["status"] = "under_negotiation"
                continue
            field_ = net.rows["Achievement"][aid]["field"]
            takers = [e for e in ordinary if self.fields_of[e][0] == field_] or ordinary
            mode, status = rng.choices(
                (
                    ("transfer", "transferred"),
                    ("license", "licensed"),
                    ("equity", "equity"),
                    ("equity", "spun_off"),
                ),
                (4, 4, 2, 1),
            )[0]
            for taker in self.pick(takers, 1 if rng.random() < 0.9 else 2, 1.0):
                net.relate(
                    aid,
                    "TRANSFERRED_TO",
                    taker,
                    mode=mode,
                    date=self.date(datetime.date(2017, 1, 1), datetime.date(2023, 4, 30)),
                    amount_cny=self.maybe(self.amount(1.2e6, 1.3), 0.7),
                )
            net.rows["Achievement"][aid]["status"] = status

    def link_demands(self, ordinary: list[str], remote: list[str]) -> None:
        """Innomatch: 2,617 demands from 1,385 enterprises; 581 solved, 46% matched."""
        net, rng = self.net, self.rng
        raisers = rng.sample(ordinary, INNOMATCH_ENTERPRISES - 25) + remote[:25]
        # every raiser posts one; the rest go to the more active ones
        extra = INNOMATCH_DEMANDS - len(raisers)
        posters = raisers + self.pick_many(raisers, extra)
        matched_total = round(INNOMATCH_DEMANDS * INNOMATCH_MATCH_RATE)
        solutions = {
            f: [
                a for a in net.ids("Achievement", field=f) if a not in set(self.remote_achievements)
            ]
            for f in FIELDS
        }
        deal_weights: list[tuple[str, str, float]] = []
        order = [n for n, poster in enumerate(posters) if poster not in remote]
        rng.shuffle(order)
        solved_set = set(order[:INNOMATCH_SOLVED])
        matched_set = set(order[INNOMATCH_SOLVED:matched_total])
        for n, poster in enumerate(posters):
            field_ = self.fields_of[poster][0]
            topic = rng.choice(TOPICS[field_])
            is_remote = poster in remote
            if n in solved_set and not is_remote:
                status = "solved"
            elif n in matched_set and not is_remote:
                status = "matched"
            else:
                status = rng.choices(("open", "withdrawn"), (9, 1))[0]
            did = net.add(
                "Demand",
                f"dem:{n + 1:04d}",
                title=rng.choice(
                    ("{t}技术攻关需求", "寻求{t}解决方案", "{t}工艺改进需求", "{t}国产化替代需求")
                ).format(t=topic),
                field=field_,
                budget_cny=self.maybe(self.amount(1.5e6, 1.0), 0.7),
                status=status,
                posted=(posted := self.date(INNOMATCH_LAUNCH, datetime.date(2023, 4, 30))),
                tags=f"{SYNTHETIC};Innomatch",
            )
            net.relate(poster, "RAISED", did, date=posted)
            earliest = datetime.date.fromisoformat(posted) + datetime.timedelta(
                days=INNOMATCH_FIRST_SOLUTION_DAYS
            )
            if status in ("solved", "matched"):
                proposals = (
                    rng.choice((1, 1, 2, 3)) if status == "solved" else rng.choice((1, 2, 3))
                )
                for aid in rng.sample(solutions[field_], min(proposals, len(solutions[field_]))):
                    net.relate(
                        aid,
                        "SOLVES",
                        did,
                        date=max(
                            self.date(datetime.date(2022, 9, 1), datetime.date(2023, 5, 10)),
                            earliest.isoformat(),
                        ),
                    )
                    net.relate("brk:innomatch", "BROKERED", aid)
                    deal_weights.append((aid, did, rng.random()))
        scale = INNOMATCH_DEALS_CNY / sum(w for _, _, w in deal_weights)
        amounts = [round(w * scale) for _, _, w in deal_weights]
        amounts[-1] += INNOMATCH_DEALS_CNY - sum(amounts)
        for (aid, did, _), amount in zip(deal_weights, amounts, strict=True):
            net.relations[(aid, "SOLVES", did)]["amount_cny"] = str(amount)

    def pick_many(self, ids: list[str], k: int) -> list[str]:
        """``k`` ids drawn with replacement, by activity."""
        return self.rng.choices(ids, [self.activity[i] ** 1.5 for i in ids], k=k)

    def link_brokers(self, units: list[str], ordinary: list[str], remote: list[str]) -> None:
        """Clients of brokers: the exchange's members, transfer offices, agencies, branches."""
        net, rng = self.net, self.rng
        research_units = [u for u in units if u.startswith(("uni:", "cas:"))]
        members = [
            *rng.sample(research_units, EXCHANGE_UNITS),
            "hos:ruijin",
            *rng.sample(ordinary, EXCHANGE_ENTERPRISES),
        ]
        for member in members:
            net.relate(
                "brk:stex",
                "SERVES",
                member,
                date=self.date(datetime.date(2020, 10, 28), datetime.date(2021, 5, 26)),
            )
        for unit in units:  # a transfer office serves the spin-offs and takers of its unit
            tto = f"tto:{unit.split(':')[1]}"
            if tto not in net.type_of:
                continue
            takers = {
                t
                for (a, kind, t) in net.relations
                if kind == "TRANSFERRED_TO" and (unit, "DEVELOPED", a) in net.relations
            }
            for taker in sorted(takers):
                if rng.random() < 0.5:
                    net.relate(tto, "SERVES", taker)
        shanghai_brokers = [
            b
            for b in net.ids("Broker")
            if not b.startswith("brk:east-")
            and b not in self.remote_agencies
            and b != "brk:innomatch"
        ]
        branches = [b for b in net.ids("Broker") if b.startswith("brk:east-")]
        for enterprise in ordinary:
            region = net.rows["Institution"][enterprise]["region"]
            if region not in DISTRICTS:  # outside Shanghai: the local branch of the centre
                city = net.rows["Institution"][enterprise]["city"]
                local = [b for b in branches if city in net.rows["Broker"][b]["name"]]
                for branch in local or self.pick(branches, 1):
                    net.relate(branch, "SERVES", enterprise)
                continue
            for broker in self.pick(shanghai_brokers, rng.choice((1, 1, 2, 2, 3, 4)), 1.1):
                net.relate(
                    broker,
                    "SERVES",
                    enterprise,
                    date=self.maybe(
                        self.date(datetime.date(2018, 1, 1), datetime.date(2023, 4, 30)), 0.5
                    ),
                )
        for enterprise in remote:
            net.relate(rng.choice(self.remote_agencies), "SERVES", enterprise)
        remote_parks = [self.remote_park(district) for district in REMOTE_DISTRICTS]
        for agency, park in zip(self.remote_agencies, remote_parks * 2, strict=False):
            net.relate(agency, "SERVES", park)
        for branch in branches:  # the centre's branches work with the units in their field
            for unit in self.pick(units, 2, 1.0):
                net.relate(branch, "SERVES", unit)
        for unit in units:
            if rng.random() < 0.8:
                net.relate("brk:east", "SERVES", unit)
        for enterprise in self.pick(ordinary, 120, 1.0):
            net.relate("brk:sipex", "SERVES", enterprise)
            net.relate("brk:ipfin", "SERVES", enterprise)

    def remote_park(self, district: str) -> str:
        """A district park that links the remote enterprises to the rest, far from universities."""
        pid = f"park:{'chongming' if district == '崇明区' else 'jinshan'}"
        if pid not in self.net.type_of:
            centre = DISTRICTS[district][0]
            self.net.add(
                "Institution",
                pid,
                name=f"{district}科创园（示例）",
                kind="science_park",
                region=district,
                country="CN",
                city="上海",
                lat=f"{centre[0]:.4f}",
                lon=f"{centre[1]:.4f}",
                tags=SYNTHETIC,
            )
        return pid

    def link_investors(self, ordinary: list[str], remote: list[str]) -> None:
        """IP-pledge loans (3.841 bn in all), guidance funds, VCs in enterprises and results."""
        net, rng = self.net, self.rng
        banks = [b for b in net.ids("Investor") if b.startswith("bank:")]
        loans: list[tuple[str, str]] = []
        for bank in banks:
            for enterprise in self.pick(ordinary, max(3, round(self.activity[bank] * 12)), 1.0):
                loans.append((bank, enterprise))
        weights = [rng.lognormvariate(0, 1) for _ in loans]
        amounts = [round(IP_PLEDGE_TOTAL_CNY * w / sum(weights)) for w in weights]
        amounts[-1] += IP_PLEDGE_TOTAL_CNY - sum(amounts)
        for (bank, enterprise), amount in zip(loans, amounts, strict=True):
            net.relate(
                bank,
                "INVESTED_IN",
                enterprise,
                amount_cny=amount,
                mode="知识产权质押",
                date=self.date(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)),
            )
        funders = [
            i for i in net.ids("Investor") if not i.startswith("bank:") and i != "inv:cdb-sh"
        ]
        for funder in funders:
            kind = net.rows["Investor"][funder]["kind"]
            count = max(1, round(self.activity[funder] * (6 if kind == "guidance_fund" else 4)))
            for target in self.pick(ordinary, count, 1.0):
                net.relate(
                    funder,
                    "INVESTED_IN",
                    target,
                    mode=self.maybe("股权投资", 0.5),
                    amount_cny=self.maybe(self.amount(5e6, 1.0), 0.6),
                    date=self.maybe(
                        self.date(datetime.date(2016, 1, 1), datetime.date(2023, 4, 30))
                    ),
                )
        results = [
            a
            for a in net.ids("Achievement")
            if net.rows["Achievement"][a]["status"] in ("listed", "under_negotiation")
        ]
        for fund in ("inv:national-fund", "inv:sh-vc-fund", "inv:baoshan-fund"):
            for aid in rng.sample(results, 40):
                net.relate(
                    fund,
                    "INVESTED_IN",
                    aid,
                    mode="成果转化资助",
                    amount_cny=self.maybe(self.amount(1e6, 0.8)),
                )
        for target in self.pick(ordinary, 25, 1.0):
            net.relate("inv:cdb-sh", "INVESTED_IN", target, mode="政策性贷款")
        angel = self.remote_angel()
        for enterprise in remote[::3]:
            net.relate(angel, "INVESTED_IN", enterprise, amount_cny=self.amount(8e5, 0.6))

    def remote_angel(self) -> str:
        iid = "inv:remote-angel"
        self.net.add(
            "Investor",
            iid,
            name="杭州湾天使投资合伙企业",
            kind="angel",
            region="金山区",
            country="CN",
            tags=SYNTHETIC,
        )
        return iid

    def link_channels(self, units: list[str]) -> None:
        """Who works through which overseas channel; Germany mostly via the eastern centre."""
        net, rng = self.net, self.rng
        channels = net.ids("OverseasChannel")
        east_branches = [
            c for c in channels if "东部中心" in net.rows["OverseasChannel"][c]["name"]
        ]
        german = [c for c in channels if net.rows["OverseasChannel"][c]["country"] == "DE"]
        for branch in east_branches:
            net.relate("brk:east", "PARTNERS_WITH", branch, weight=3)
        for broker, count in (("brk:stex", 8), ("brk:itpc", 14), ("brk:sipex", 4)):
            for channel in self.pick([c for c in channels if c not in german], count, 1.0):
                net.relate(broker, "PARTNERS_WITH", channel)
        net.relate("brk:itpc", "PARTNERS_WITH", "chn:de-hannover")  # 000: Hannover Messe
        for unit in DE_PARTNERING_UNITS:
            for channel in german:
                if channel not in east_branches:
                    net.relate(unit, "PARTNERS_WITH", channel)
        non_german = [c for c in channels if c not in german]
        for unit in units:
            if not unit.startswith(("uni:", "cas:")):
                continue
            count = max(1, round(self.activity[unit] / 4))
            for channel in self.pick(non_german, count, 1.0):
                net.relate(unit, "PARTNERS_WITH", channel)
        for park in ("park:zhangjiang", "park:sino-israel", "park:lingang"):
            net.relate(
                park,
                "PARTNERS_WITH",
                "chn:il-tel-aviv" if "israel" in park else rng.choice(non_german),
            )

    def link_collaborations(self, units: list[str], ordinary: list[str], remote: list[str]) -> None:
        """Joint labs and R&D: units with units, units with enterprises, enterprises in chains."""
        net, rng = self.net, self.rng
        research = [u for u in units if u.startswith(("uni:", "cas:", "nri:", "hos:"))]
        for unit in research:
            for other in self.pick(research, max(1, round(self.activity[unit] / 5)), 1.0):
                net.relate(unit, "COLLABORATES_WITH", other, note=self.maybe("联合实验室", 0.3))
        for enterprise in ordinary:
            count = rng.choice((0, 1, 2, 2, 3, 4, 5))
            for other in self.pick(ordinary, count, 1.2):
                net.relate(enterprise, "COLLABORATES_WITH", other)
            if rng.random() < 0.3:
                unit = self.pick(research, 1, 1.2)[0]
                net.relate(
                    unit,
                    "COLLABORATES_WITH",
                    enterprise,
                    note=self.maybe(rng.choice(("联合研发", "校企联合实验室", "产学研联盟")), 0.5),
                )
        for park in [p for p, *_ in PARKS if p.startswith("park:")]:
            for enterprise in self.pick(ordinary, 25, 0.5):
                net.relate(park, "COLLABORATES_WITH", enterprise, note="入驻企业")
        for gov in ("gov:stcsm", "gov:sipa"):
            for park in [p for p, *_ in PARKS if p.startswith("park:")]:
                net.relate(gov, "COLLABORATES_WITH", park)
        for enterprise in remote:
            for other in rng.sample(remote, 2):
                net.relate(enterprise, "COLLABORATES_WITH", other)
        # the remote parks touch only enterprises that have no university nearby
        near = self.neighbours_of(set(research))
        far = [e for e in ordinary if e not in near]
        for park in ("park:chongming", "park:jinshan"):
            for enterprise in rng.sample(far, 3):
                net.relate(park, "COLLABORATES_WITH", enterprise, note="入驻企业")

    def neighbours_of(self, nodes: set[str]) -> set[str]:
        """The nodes one relation away from any of ``nodes``."""
        found = set()
        for source, _, target in self.net.relations:
            if source in nodes:
                found.add(target)
            if target in nodes:
                found.add(source)
        return found

    def link_loners(self, ordinary: list[str]) -> None:
        """Give every enterprise and broker still without a relation one: a broker serves it."""
        net = self.net
        touched = {end for key in net.relations for end in (key[0], key[2])}
        agencies = net.ids("Broker", kind="agency")[3:]
        for node_id in list(net.type_of):
            if node_id in touched:
                continue
            if node_id in net.rows["Institution"]:
                net.relate(self.pick(agencies, 1)[0], "SERVES", node_id)
            elif node_id in net.rows["Broker"]:
                net.relate(node_id, "SERVES", self.pick(ordinary, 1)[0])

    def link_east_only_units(self) -> None:
        """Two small universities whose only way out is the eastern centre."""
        net = self.net
        start = len(net.rows["Achievement"])
        for n, unit in enumerate(EAST_ONLY_UNITS):
            net.relate("brk:east", "SERVES", unit, weight=2)
            achievements = []
            for k in range(4):
                aid = self.new_achievement(start + 10 * n + k, self.fields_of[unit][0])
                net.relate(unit, "DEVELOPED", aid)
                achievements.append(aid)
            net.relate("brk:east", "BROKERED", achievements[0])
            spin_off = net.add(
                "Institution",
                f"ent:spin-{unit.split(':')[1]}",
                name=self.unique(f"上海{self.word()}科技发展有限公司"),
                kind="enterprise",
                region="浦东新区",
                country="CN",
                city="上海",
                founded=2021,
                tags=SYNTHETIC,
            )
            net.relate(
                achievements[1], "TRANSFERRED_TO", spin_off, mode="equity", date="2021-09-01"
            )
            net.rows["Achievement"][achievements[1]]["status"] = "spun_off"
            net.rows["Achievement"][achievements[0]]["status"] = "under_negotiation"


def write(net: Network, out: Path) -> dict[str, int]:
    """Write the bundle: node files sorted by id, relations sorted; the row counts per file."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for type_ in NODE_TYPES:
        header = ["id", *(p.name for p in type_.properties)]
        rows = net.rows.get(type_.name, {})
        counts[type_.file] = write_csv(
            out / type_.file,
            header,
            (
                [node_id, *(rows[node_id].get(c, "") for c in header[1:])]
                for node_id in sorted(rows)
            ),
        )
    columns: dict[str, None] = {}
    for rel in RELATION_TYPES:
        columns.update((p.name, None) for p in rel.properties)
    header = ["source", "target", "type", *columns]
    counts[RELATION_FILE] = write_csv(
        out / RELATION_FILE,
        header,
        (
            [s, t, k, *(net.relations[(s, k, t)].get(c, "") for c in columns)]
            for s, k, t in sorted(net.relations)
        ),
    )
    return counts


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> int:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def main(argv: Sequence[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "shanghai"
    counts = write(Builder().build(), out)
    nodes = sum(n for f, n in counts.items() if f != RELATION_FILE)
    print(f"{out}: {nodes} nodes, {counts[RELATION_FILE]} relations", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
