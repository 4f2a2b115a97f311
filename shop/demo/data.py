"""The demo's content: paired counties with their real codes, cooperatives and products.

County codes and pairings are real; cooperatives, certificates and prices are plausible inventions
for the demo and must not be read as facts about real businesses.
"""
from __future__ import annotations

from datetime import date

from shop.regions.models import PairingKind

EW = PairingKind.EAST_WEST
CS = PairingKind.COUNTERPART_SUPPORT

# (helper region, recipient county, kind, starts on, ends on)
PAIRINGS = [
    ("330100", "522633", EW, date(2013, 1, 1), date(2020, 12, 31)),  # 杭州 → 从江
    ("330100", "522632", EW, date(2013, 1, 1), date(2020, 12, 31)),  # 杭州 → 榕江
    ("330110", "522627", EW, date(2018, 1, 1), None),  # 余杭 → 天柱
    ("330226", "522324", EW, date(2016, 12, 1), None),  # 宁海 → 晴隆
    ("330200", "522326", EW, date(2013, 2, 1), date(2020, 12, 31)),  # 宁波 → 望谟
    ("330500", "652929", CS, date(2010, 7, 1), None),  # 湖州 → 柯坪
    ("330000", "652927", CS, date(2010, 7, 1), None),  # 浙江援疆 → 乌什
    ("330000", "652922", CS, date(2010, 7, 1), None),  # 浙江援疆 → 温宿
    ("330114", "513334", EW, date(2021, 6, 1), None),  # 钱塘 → 理塘
    ("330109", "510821", EW, date(2021, 1, 1), None),  # 萧山 → 旺苍
]

# (slug, 中文名, English name)
CATEGORIES = [
    ("nuts-dried-fruit", "干果坚果", "Nuts & dried fruit"),
    ("grain-oil", "粮油米面", "Grain & oil"),
    ("tea", "茶叶饮品", "Tea & drinks"),
    ("meat", "肉禽蛋品", "Meat & eggs"),
    ("dairy", "乳品", "Dairy"),
    ("fresh", "生鲜果蔬", "Fresh produce"),
    ("mountain", "菌菇山货", "Mushrooms & mountain goods"),
]

# (key, name, county, kind, 9-character organisation part of the credit code, description)
# What each kind of demo seller can issue: farmers' cooperatives and the family farm sell their own produce with
# tax-exempt ordinary invoices; the company also issues special VAT invoices.
INVOICING = {"cooperative": "ordinary", "family_farm": "ordinary", "enterprise": "ordinary_special"}

# Shipping terms of some demo sellers: (fee per parcel in fen, 包邮 from this parcel subtotal in fen or None);
# the others ship free.
SHIPPING = {
    "keping-camel": (1200, 29900),
    "wushi-walnut": (800, 9900),
    "wensu-rice": (1000, 19900),
    "congjiang-pig": (1500, None),
    "litang-yak": (2000, 39900),
}

COOPERATIVES = [
    ("keping-camel", "柯坪县驼源牧业农民专业合作社", "652929", "cooperative", "MA78C1K21",
     "柯坪县盖孜力克镇牧民合办，饲养双峰驼，鲜驼奶当日低温喷雾干燥。"),
    ("keping-orchard", "柯坪县恰玛古果蔬农民专业合作社", "652929", "cooperative", "MA79D2P38",
     "种植恰玛古与骏枣，湖州援疆产业园统一分拣包装。"),
    ("wushi-walnut", "乌什县燕泉核桃专业合作社", "652927", "cooperative", "MA77B5W12",
     "阿克苏乌什县核桃、沙棘种植户合作社，温185品种为主。"),
    ("wensu-rice", "温宿县托木尔峰农业发展有限公司", "652922", "enterprise", "MA7AC3T40",
     "天山托木尔峰冰川水灌溉的稻米与核桃，浙江援疆项目支持建设的加工厂。"),
    ("congjiang-pig", "从江县加榜香猪养殖农民专业合作社", "522633", "cooperative", "MA6DL8C05",
     "从江香猪林下散养，按传统工艺烟熏腊制。"),
    ("congjiang-rice", "从江县占里香禾糯种植合作社", "522633", "cooperative", "MA6E0Q0H7",
     "侗族梯田稻鱼鸭共生种植的香禾糯。"),
    ("rongjiang-fruit", "榕江县车江百香果种植家庭农场", "522632", "family_farm", "MA6GKN4X1",
     "车江坝区百香果与脐橙，杭州对口帮扶时期建成冷链仓。"),
    ("tianzhu-oil", "天柱县油茶产业农民专业合作社", "522627", "cooperative", "MA6J2E9P5",
     "天柱县高酿镇油茶林，冷榨茶油。"),
    ("qinglong-tea", "晴隆县茶马古道茶叶专业合作社", "522324", "cooperative", "MA6HQF2U3",
     "晴隆高山茶园，宁海东西部协作共建茶叶加工厂。"),
    ("wangmo-chestnut", "望谟县板栗种植农民专业合作社", "522326", "cooperative", "MA6K8H1R2",
     "望谟县油迈乡板栗与紫糯米。"),
    ("litang-yak", "理塘县毛垭草原牦牛养殖合作社", "513334", "cooperative", "MA69Y4L06",
     "海拔4000米的毛垭草原放牧牦牛，钱塘区协作建设屠宰加工车间。"),
    ("wangcang-tea", "旺苍县米仓山黄茶专业合作社", "510821", "cooperative", "MA6BXR3N9",
     "米仓山茶区广元黄茶与山区土蜂蜜、黑木耳。"),
]

# (cooperative key, sku, name, category, unit, spec, net weight g, price fen, stock, certificate, description)
# certificate: (type, number, issuer, valid until) or None
PRODUCTS = [
    ("keping-camel", "KP-TN-300", "柯坪骆驼奶粉", "dairy", "罐", "300 g/罐", 300, 16800, 120,
     ("食品生产许可", "SC10565292900019", "阿克苏地区市场监督管理局", date(2029, 5, 31)),
     "全脂驼乳粉，100% 鲜驼乳原料，无添加蔗糖。"),
    ("keping-camel", "KP-TN-BOX", "柯坪驼奶粉礼盒", "dairy", "盒", "20 g×30 袋/盒", 600, 32800, 40,
     ("食品生产许可", "SC10565292900019", "阿克苏地区市场监督管理局", date(2029, 5, 31)),
     "独立小袋装，冲调方便。"),
    ("keping-camel", "KP-TR-1", "柯坪驼肉真空装", "meat", "袋", "1 kg/袋", 1000, 13800, 25, None,
     "当年驼肉分割，冷冻发货。"),
    ("keping-orchard", "KP-HZ-1", "新疆柯坪红枣 骏枣一级", "nuts-dried-fruit", "袋", "1 kg/袋", 1000, 4580, 300,
     ("绿色食品", "LB-18-23081234567A", "中国绿色食品发展中心", date(2027, 8, 31)),
     "自然挂树晾干，果肉厚实，皮薄核小。"),
    ("keping-orchard", "KP-HZ-5", "新疆柯坪红枣 整箱装", "nuts-dried-fruit", "箱", "5 kg/箱", 5000, 19900, 80,
     ("绿色食品", "LB-18-23081234567A", "中国绿色食品发展中心", date(2027, 8, 31)),
     "单位食堂、工会福利团购装。"),
    ("keping-orchard", "KP-QMG-5", "柯坪恰玛古", "fresh", "箱", "5 kg/箱", 5000, 6800, 150,
     ("农产品地理标志", "AGI03012", "农业农村部", None),
     "新疆特色圆根芜菁，可炖汤、凉拌。"),
    ("wushi-walnut", "WS-HT-25", "乌什纸皮核桃 温185", "nuts-dried-fruit", "箱", "2.5 kg/箱", 2500, 9800, 200,
     ("绿色食品", "LB-18-22101987654A", "中国绿色食品发展中心", date(2026, 10, 31)),
     "薄皮易剥，出仁率高。"),
    ("wushi-walnut", "WS-HTR-500", "乌什核桃仁 原味", "nuts-dried-fruit", "袋", "500 g/袋", 500, 5900, 160, None,
     "手工剥仁，真空充氮包装。"),
    ("wushi-walnut", "WS-SJ-12", "乌什沙棘原浆", "tea", "箱", "245 ml×12 罐/箱", 3200, 9600, 90, None,
     "野生沙棘鲜果压榨，酸甜可口。"),
    ("wensu-rice", "WSU-DM-5", "温宿冰川大米", "grain-oil", "袋", "5 kg/袋", 5000, 7990, 400,
     ("绿色食品", "LB-01-23031122334A", "中国绿色食品发展中心", date(2028, 3, 31)),
     "托木尔峰冰川融水灌溉，一年一季。"),
    ("wensu-rice", "WSU-HT-1", "温宿薄皮核桃", "nuts-dried-fruit", "袋", "1 kg/袋", 1000, 3900, 220, None,
     "温宿县佳木镇核桃园直采。"),
    ("congjiang-pig", "CJ-XZ-500", "从江香猪腊肉", "meat", "袋", "500 g/袋", 500, 8800, 150,
     ("食品生产许可", "SC10452263300045", "黔东南州市场监督管理局", date(2028, 12, 31)),
     "小香猪后腿肉，柴火慢熏四十天。"),
    ("congjiang-pig", "CJ-XC-500", "从江香猪香肠", "meat", "袋", "500 g/袋", 500, 6800, 120,
     ("食品生产许可", "SC10452263300045", "黔东南州市场监督管理局", date(2028, 12, 31)),
     "微辣口味，蒸熟即食。"),
    ("congjiang-rice", "CJ-XHN-25", "从江香禾糯", "grain-oil", "袋", "2.5 kg/袋", 2500, 8800, 100,
     ("农产品地理标志", "AGI02166", "农业农村部", None),
     "侗乡古老糯稻品种，软糯清香。"),
    ("congjiang-rice", "CJ-PG-5", "从江椪柑", "fresh", "箱", "5 kg/箱", 5000, 5900, 0, None,
     "当季鲜果，11 月至次年 1 月发货。"),
    ("rongjiang-fruit", "RJ-BXG-3", "榕江百香果 紫香一号", "fresh", "箱", "3 kg/箱", 3000, 4990, 180, None,
     "树上熟透再采，果汁饱满。"),
    ("rongjiang-fruit", "RJ-QC-5", "榕江脐橙", "fresh", "箱", "5 kg/箱", 5000, 6900, 60, None,
     "车江坝区脐橙，甜酸适中。"),
    ("tianzhu-oil", "TZ-CY-1", "天柱山茶油 冷榨", "grain-oil", "瓶", "1 L/瓶", 920, 16800, 75,
     ("有机产品", "148OP2300123", "中绿华夏有机产品认证中心", date(2027, 4, 30)),
     "低温物理压榨，烟点高，适合炒菜凉拌。"),
    ("tianzhu-oil", "TZ-CY-GIFT", "天柱茶油礼盒", "grain-oil", "盒", "500 ml×2 瓶/盒", 920, 19800, 50,
     ("有机产品", "148OP2300123", "中绿华夏有机产品认证中心", date(2027, 4, 30)),
     "企业工会节日慰问装。"),
    ("qinglong-tea", "QL-LC-250", "晴隆高山绿茶 明前", "tea", "罐", "250 g/罐", 250, 12800, 140,
     ("绿色食品", "LB-44-23050345678A", "中国绿色食品发展中心", date(2028, 5, 31)),
     "海拔1400米茶园，明前一芽一叶。"),
    ("qinglong-tea", "QL-HC-250", "晴隆红茶", "tea", "罐", "250 g/罐", 250, 9800, 90, None,
     "工夫红茶工艺，蜜香明显。"),
    ("qinglong-tea", "QL-YR-1", "晴隆糯薏仁", "grain-oil", "袋", "1 kg/袋", 1000, 3600, 200, None,
     "小粒糯薏仁，煮粥软糯。"),
    ("wangmo-chestnut", "WM-BL-25", "望谟板栗 生栗", "nuts-dried-fruit", "箱", "2.5 kg/箱", 2500, 5500, 110, None,
     "油迈乡高山板栗，个大饱满。"),
    ("wangmo-chestnut", "WM-BLR-500", "望谟甘栗仁 即食", "nuts-dried-fruit", "袋", "500 g/袋", 500, 3990, 260,
     ("食品生产许可", "SC11852232600021", "黔西南州市场监督管理局", date(2028, 9, 30)),
     "去壳熟栗仁，开袋即食。"),
    ("wangmo-chestnut", "WM-ZNM-25", "望谟紫糯米", "grain-oil", "袋", "2.5 kg/袋", 2500, 4500, 130, None,
     "布依族传统紫糯，可做五色糯米饭。"),
    ("litang-yak", "LT-MNRG-250", "理塘牦牛肉干 原味", "meat", "袋", "250 g/袋", 250, 8900, 240,
     ("食品生产许可", "SC10451333400012", "甘孜州市场监督管理局", date(2029, 1, 31)),
     "高原放牧牦牛，风干工艺，嚼劲十足。"),
    ("litang-yak", "LT-MNRG-LA", "理塘牦牛肉干 麻辣", "meat", "袋", "250 g/袋", 250, 8900, 180,
     ("食品生产许可", "SC10451333400012", "甘孜州市场监督管理局", date(2029, 1, 31)),
     "川味麻辣，追剧零食。"),
    ("litang-yak", "LT-QK-1", "理塘青稞米", "grain-oil", "袋", "1 kg/袋", 1000, 3200, 300, None,
     "海拔4000米种植的青稞，可与大米同煮。"),
    ("wangcang-tea", "WC-HC-100", "米仓山广元黄茶", "tea", "罐", "100 g/罐", 100, 15800, 80,
     ("农产品地理标志", "AGI02898", "农业农村部", None),
     "闷黄工艺，汤色杏黄，滋味甘醇。"),
    ("wangcang-tea", "WC-FM-500", "旺苍土蜂蜜", "mountain", "瓶", "500 g/瓶", 500, 6800, 95, None,
     "中华蜂一年一取的百花蜜。"),
    ("wangcang-tea", "WC-MR-250", "旺苍黑木耳", "mountain", "袋", "250 g/袋", 250, 3900, 170,
     ("绿色食品", "LB-15-23070765432A", "中国绿色食品发展中心", date(2027, 7, 31)),
     "椴木栽培，肉厚无沙。"),
    ("wangcang-tea", "WC-XG-250", "米仓山干香菇", "mountain", "袋", "250 g/袋", 250, 4200, 0, None,
     "段木香菇，香味浓郁。"),
]
