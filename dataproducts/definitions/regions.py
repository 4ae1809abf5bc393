"""GB/T 2260 prefixes of Zhejiang's prefecture-level cities (the first four digits of a region code), to label the
regional products' cells; an unknown prefix is shown as its code."""

PREFECTURES = (
    ("3301", "杭州市", "Hangzhou"), ("3302", "宁波市", "Ningbo"), ("3303", "温州市", "Wenzhou"),
    ("3304", "嘉兴市", "Jiaxing"), ("3305", "湖州市", "Huzhou"), ("3306", "绍兴市", "Shaoxing"),
    ("3307", "金华市", "Jinhua"), ("3308", "衢州市", "Quzhou"), ("3309", "舟山市", "Zhoushan"),
    ("3310", "台州市", "Taizhou"), ("3311", "丽水市", "Lishui"),
)
