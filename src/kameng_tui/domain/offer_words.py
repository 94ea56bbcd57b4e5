"""The trade's words the offer-matching rule reads (issue 18): brands and games, game
currencies and their fixed rates, membership levels and periods, carriers, provinces,
zones, speeds, and the filler words that say nothing about what the goods are.

Every code here becomes part of a product id (`@WZRY-60-ZC`), so a code, once shipped,
is never changed: ids survive re-syncs and upgrades only if these tables keep their codes.
Words are written as they read after `offer_key.normalize` (NFKC, ASCII upper-cased, no
spaces), and each table is searched longest word first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Brand:
    code: str                                    # id part: WZRY
    zh: str
    en: str
    kind: str                                    # game | hf | video | member | card
    aliases: tuple[str, ...]
    unit: tuple[tuple[str, Decimal], ...] = ()   # game currency word -> units per 元
    levels: tuple[tuple[str, str], ...] = ()     # level word -> level code, most specific first
    default_level: str | None = None             # level when the name says none (None: unsure)
    account: str | None = None                   # the usual main account rule for 直充 (Rule value)


BRANDS: tuple[Brand, ...] = (
    Brand("WZRY", "王者荣耀", "Honor of Kings", "game", ("王者荣耀",), (("点券", Decimal(10)),), account="qq"),
    Brand("HPJY", "和平精英", "Game for Peace", "game", ("和平精英",), (("UC", Decimal(10)),), account="qq"),
    Brand("LOL", "英雄联盟", "League of Legends", "game", ("英雄联盟", "LOL"), (("点券", Decimal(100)),), account="qq"),
    Brand("QQB", "QQ币", "QQ coins", "game", ("QQ币", "Q币"), (("Q币", Decimal(1)), ("个", Decimal(1))), account="qq"),
    Brand("YS", "原神", "Genshin Impact", "game", ("原神",), (("创世结晶", Decimal(10)),), account="game"),
    Brand("BT", "崩坏:星穹铁道", "Honkai: Star Rail", "game", ("崩坏:星穹铁道", "星穹铁道"), (("古老梦华", Decimal(10)),),
          account="game"),
    Brand("JW3", "剑网3", "JX3", "game", ("剑网3", "剑侠情缘网络版叁"), account="game"),
    Brand("MC", "我的世界", "Minecraft", "game", ("我的世界",), account="game"),
    Brand("WOW", "魔兽世界", "World of Warcraft", "game", ("魔兽世界",)),
    Brand("WYYKT", "网易一卡通", "NetEase card", "card", ("网易一卡通",)),
    Brand("SQYKT", "盛趣一卡通", "Shengqu card", "card", ("盛趣一卡通",)),
    Brand("STEAM", "Steam", "Steam", "card", ("STEAM",)),
    Brand("APPSTORE", "App Store", "App Store", "card", ("苹果APPSTORE", "APPSTORE", "苹果礼品卡")),
    Brand("GPLAY", "Google Play", "Google Play", "card", ("GOOGLEPLAY",)),
    Brand("HF", "话费", "phone credit", "hf", ("话费",), account="mobile"),
    Brand("TXSP", "腾讯视频", "Tencent Video", "video", ("腾讯视频",),
          levels=(("超级影视VIP", "SVIP"), ("SVIP", "SVIP"), ("VIP", "VIP")), default_level="VIP", account="mobile"),
    Brand("IQY", "爱奇艺", "iQIYI", "video", ("爱奇艺",),
          levels=(("星钻", "XZ"), ("白金", "BJ"), ("黄金", "HJ")), account="mobile"),
    Brand("YOUKU", "优酷", "Youku", "video", ("优酷视频", "优酷"),
          levels=(("酷喵", "SVIP"), ("SVIP", "SVIP"), ("VIP", "VIP")), default_level="VIP", account="mobile"),
    Brand("MGTV", "芒果TV", "Mango TV", "video", ("芒果TV",),
          levels=(("全屏", "QP"), ("VIP", "VIP")), default_level="VIP", account="qq"),
    Brand("BILI", "B站大会员", "bilibili", "video", ("B站大会员", "哔哩哔哩大会员", "B站"),
          levels=(("PLUS", "PLUS"), ("普通", "PT")), default_level="PT", account="mobile"),
    Brand("WYYYY", "网易云音乐", "NetEase Cloud Music", "music", ("网易云音乐", "网易云"),
          levels=(("黑胶SVIP", "SVIP"), ("SVIP", "SVIP"), ("黑胶VIP", "VIP"), ("VIP", "VIP")), default_level="VIP",
          account="mobile"),
    Brand("QQVIP", "QQ会员", "QQ membership", "member", ("QQ超级会员", "QQ会员", "QQSVIP"),
          levels=(("超级会员", "SVIP"), ("SVIP", "SVIP")), default_level="VIP", account="qq"),
    Brand("JDPLUS", "京东PLUS", "JD PLUS", "member", ("京东PLUS",), default_level="PLUS", account="mobile"),
    Brand("BDWP", "百度网盘", "Baidu Netdisk", "member", ("百度网盘",),
          levels=(("超级会员", "SVIP"), ("SVIP", "SVIP")), default_level="VIP", account="mobile"),
)

LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "SVIP": ("SVIP", "SVIP"), "VIP": ("VIP", "VIP"), "XZ": ("星钻", "Star Diamond"), "BJ": ("白金", "Platinum"),
    "HJ": ("黄金", "Gold"), "QP": ("全屏", "Full Screen"), "PLUS": ("PLUS", "PLUS"), "PT": ("普通", "Standard"),
}
# The demo's coarse 等级 attribute: 普通 is a brand's lowest level, PLUS any higher one.
BASE_LEVELS = frozenset({"VIP", "HJ", "PT"})

# (word, code): most specific first; 连续包月 renews itself and is not 月卡.
PERIODS: tuple[tuple[str, str], ...] = (
    ("连续包月", "AM"), ("连续包季", "AQ"), ("连续包年", "AY"), ("半年卡", "H"), ("6个月", "H"), ("180天", "H"),
    ("年度", "Y"), ("年卡", "Y"), ("12个月", "Y"), ("365天", "Y"), ("一年", "Y"), ("1年", "Y"),
    ("季卡", "Q"), ("3个月", "Q"), ("90天", "Q"), ("三个月", "Q"),
    ("月卡", "M"), ("1个月", "M"), ("一个月", "M"), ("30天", "M"), ("31天", "M"),
    ("周卡", "W"), ("7天", "W"), ("日卡", "D"), ("1天", "D"),
)
PERIOD_ATTR = {"月": "M", "季": "Q", "年": "Y", "周": "W", "日": "D", "半年": "H"}
PERIOD_NAMES: dict[str, tuple[str, str]] = {
    "AM": ("连续包月", "auto-renewing monthly"), "AQ": ("连续包季", "auto-renewing quarterly"),
    "AY": ("连续包年", "auto-renewing yearly"), "H": ("半年", "half a year"), "Y": ("年", "a year"),
    "Q": ("季", "a quarter"), "M": ("月", "a month"), "W": ("周", "a week"), "D": ("日", "a day"),
}

CARRIERS: tuple[tuple[str, str], ...] = (("中国移动", "CM"), ("移动", "CM"), ("中国联通", "LT"), ("联通", "LT"),
                                         ("中国电信", "DX"), ("电信", "DX"), ("中国广电", "BN"), ("广电", "BN"))
CARRIER_NAMES = {"CM": ("移动", "China Mobile"), "LT": ("联通", "China Unicom"), "DX": ("电信", "China Telecom"),
                 "BN": ("广电", "China Broadnet")}

PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("黑龙江", "HL", "Heilongjiang"), ("内蒙古", "NM", "Inner Mongolia"), ("北京", "BJ", "Beijing"),
    ("天津", "TJ", "Tianjin"), ("河北", "HE", "Hebei"), ("山西", "SX", "Shanxi"), ("辽宁", "LN", "Liaoning"),
    ("吉林", "JL", "Jilin"), ("上海", "SH", "Shanghai"), ("江苏", "JS", "Jiangsu"), ("浙江", "ZJ", "Zhejiang"),
    ("安徽", "AH", "Anhui"), ("福建", "FJ", "Fujian"), ("江西", "JX", "Jiangxi"), ("山东", "SD", "Shandong"),
    ("河南", "HA", "Henan"), ("湖北", "HB", "Hubei"), ("湖南", "HN", "Hunan"), ("广东", "GD", "Guangdong"),
    ("广西", "GX", "Guangxi"), ("海南", "HI", "Hainan"), ("重庆", "CQ", "Chongqing"), ("四川", "SC", "Sichuan"),
    ("贵州", "GZ", "Guizhou"), ("云南", "YN", "Yunnan"), ("西藏", "XZ", "Tibet"), ("陕西", "SN", "Shaanxi"),
    ("甘肃", "GS", "Gansu"), ("青海", "QH", "Qinghai"), ("宁夏", "NX", "Ningxia"), ("新疆", "XJ", "Xinjiang"),
)

# Game zones written into a name: a listing for one zone cannot serve another's account.
ZONES: tuple[tuple[str, str, str, str], ...] = (
    ("安卓QQ", "AQ", "安卓QQ区", "Android QQ"), ("苹果QQ", "IQ", "苹果QQ区", "iOS QQ"),
    ("安卓微信", "AW", "安卓微信区", "Android WeChat"), ("苹果微信", "IW", "苹果微信区", "iOS WeChat"),
    ("QQ区", "Q", "QQ区", "QQ zones"), ("微信区", "W", "微信区", "WeChat zones"),
)

SLOW_WORDS = ("慢充", "慢速")
FAST_WORDS = ("快充", "秒到", "秒充", "极速")
FOREIGN = (("美区", "USD"), ("美元", "USD"), ("$", "USD"), ("港区", "HKD"), ("港币", "HKD"), ("HK$", "HKD"),
           ("日区", "JPY"), ("日元", "JPY"))
CARD_WORDS = ("卡密", "激活码", "兑换码", "CDK")
DIRECT_WORDS = ("直充", "代充")

# Words that only say what every listing of its kind is: removed before the leftover
# check. Whatever is left after them (空月祝福, 限新用户, 体验) is a word the rule does
# not understand, and the listing stays apart as unsure.
FILLER = ("全国", "省内", "话费", "充值卡", "钱包充值码", "钱包码", "充值码", "礼品卡", "充值", "会员", "点卡", "点券",
          "官方", "影视", "视频", "到账", "元", "块", "个", "中国", "音乐", "区", "正版", "VIP", "通宝", "钻石", "UC",
          "创世结晶", "古老梦华", "Q币", "腾讯")

# The supplier attributes and words the parser reads by name.
ATTR_PERIOD, ATTR_LEVEL, ATTR_CARRIER = "周期", "等级", "运营商"
BASE_ATTR, HIGHER_ATTR = "普通", "PLUS"
HF_ALIAS, NATIONAL, PROVINCE_ONLY = "话费", "全国", "省内"
HOURS = r"\d+(?:-\d+)?小时"                 # 24小时, 24-72小时: how 慢充 is labelled
YUAN = r"(\d+(?:\.\d+)?)(?:元|块)"
