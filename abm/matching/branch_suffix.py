"""Branch / office / department suffixes (東京支店, 本社, 大阪営業所, 第二工場, " 営業部") as one regex.

A suffix names a part of the same company: ``abm.matching.normalize`` strips it from names
(``BRANCH_RE``) and keeps it in ``branch``. The place names are shared with the group-company check
(``abm.matching.groupnames``), where a region word means another company.
"""

from __future__ import annotations

# --- branch / office suffixes ------------------------------------------------------------------
PREFS = [
    "北海道",
    "青森",
    "岩手",
    "宮城",
    "秋田",
    "山形",
    "福島",
    "茨城",
    "栃木",
    "群馬",
    "埼玉",
    "千葉",
    "東京",
    "神奈川",
    "新潟",
    "富山",
    "石川",
    "福井",
    "山梨",
    "長野",
    "岐阜",
    "静岡",
    "愛知",
    "三重",
    "滋賀",
    "京都",
    "大阪",
    "兵庫",
    "奈良",
    "和歌山",
    "鳥取",
    "島根",
    "岡山",
    "広島",
    "山口",
    "徳島",
    "香川",
    "愛媛",
    "高知",
    "福岡",
    "佐賀",
    "長崎",
    "熊本",
    "大分",
    "宮崎",
    "鹿児島",
    "沖縄",
]
CITIES = [
    "札幌",
    "仙台",
    "横浜",
    "川崎",
    "相模原",
    "名古屋",
    "神戸",
    "北九州",
    "さいたま",
    "浜松",
    "堺",
    "岡崎",
    "豊田",
    "姫路",
    "倉敷",
    "金沢",
    "高松",
    "松山",
    "那覇",
    "新宿",
    "渋谷",
    "品川",
    "池袋",
    "丸の内",
    "大手町",
    "日本橋",
    "銀座",
    "六本木",
    "八王子",
    "立川",
    "梅田",
    "難波",
    "心斎橋",
    "博多",
    "天神",
    "関東",
    "関西",
    "東北",
    "北陸",
    "中部",
    "中国",
    "四国",
    "九州",
    "東海",
    "近畿",
    "甲信越",
    "山陰",
    "山陽",
    "東日本",
    "西日本",
    "首都圏",
    "城南",
    "城北",
]
_PLACE = (
    "(?:"
    + "|".join(sorted(PREFS + CITIES, key=len, reverse=True))
    + ")(?:都|道|府|県|市|区)?(?:中央|東|西|南|北)?"
)
_ORDINAL = r"第[一二三四五六七八九十\d]+"
_OFFICE_WORDS = "支店|支社|営業所|出張所|事業所|分室|オフィス"  # not 事務所: it ends many names
_OFFICE = f"(?:{_OFFICE_WORDS})"
BRANCH_RE = (
    r"(?:"
    rf"(?:{_PLACE}|{_ORDINAL})(?:{_OFFICE_WORDS}|工場|本社|本店|センター)"  # 東京支店, 第二工場
    r"|(?:本社|営業本部|技術センター|研究開発センター)"
    rf"|\s(?:\S{{0,10}}{_OFFICE}|\S{{0,10}}(?:営業部|事業部|本部|部|課)|本社|本店|(?:{_PLACE}|{_ORDINAL})?工場)"
    r")$"
)
