"""Synthetic training queries made from the master itself (never from benchmark truth).

A sample of master companies is written the ways people write company names — other legal-form
spellings, a short form, a branch suffix, old kanji, typos, a truncated name, the katakana
reading, the English name (the master's, the romanised reading, or the reading's stem with its
business words in English: Maruhachi Securities), blanks, full-width letters — with some of their attributes
(prefecture, address, phone — often a direct line or another office's —, email domain, free
mail, 法人番号), as seen from the head office or from a branch. A share of the queries is "out
of master": their company is removed from the candidates, so the model also learns what a
look-alike of another company scores.

Another share are group companies (``group_company``): the parent's name with a region or business
word (関西ニコン園, ニコン園サービス), often at the parent's address, with their own phone, domain and
法人番号. They are made from a master company but ARE NOT it: the model learns that such a near
name is another company, while branch suffixes (東京支店, 本社) stay the same company.
"""

from __future__ import annotations

import random
import re

import polars as pl

from abm.inputs.corporate_number import check_digit
from abm.matching.groupnames import BUSINESS_WORDS, REGION_WORDS

_LEGAL_SPELLINGS = ("株式会社", "㈱", "(株)", "（株）", "", "")
_BRANCHES = (" 東京支店", "本社", " 大阪営業所", " 営業部", " 第二工場", " 本店", "名古屋支店", " 福岡営業所")
_TO_OLD = {
    "高": "髙",
    "崎": "﨑",
    "辺": "邊",
    "沢": "澤",
    "斎": "齋",
    "浜": "濱",
    "広": "廣",
    "国": "國",
    "島": "嶋",
}
_NOISE = "株式会社日本東京大阪産業工業商事建設電機製作所物流サービスシステムテックアイエスジー"


def _typo(s: str, rng: random.Random) -> str:
    if len(s) < 3:
        return s
    i = rng.randrange(len(s))
    op = rng.random()
    if op < 0.3:
        return s[:i] + s[i + 1 :]
    if op < 0.6:
        return s[:i] + rng.choice(_NOISE) + s[i + 1 :]
    if op < 0.8 and i < len(s) - 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + rng.choice(_NOISE) + s[i:]


_EN_SUFFIXES = (
    " Co., Ltd.", " Inc.", " Corporation", " K.K.", " CO.,LTD.", " Corp.", " Limited", ", Inc.",
    " Co.,Ltd.", "",
)  # fmt: skip
_EN_EXTRA = (" International", " Japan", " Global", " Group")  # words the Japanese name does not have


_KATAKANA = re.compile(r"[\u30A0-\u30FF]+")
_LATIN = re.compile(r"[A-Z][A-Z0-9&]+")
_LOAN = (  # katakana romaji → an English spelling of the same word (コセル KOSERU → COSEL)
    (r"KUSU$", "X"), (r"([KGSZTDNHBPMR])[UO]$", r"\1"), (r"RU", "L"), (r"K", "C"), (r"B", "V"),
    (r"([KGSZTDHBPMR])U([KGSZTDHBPMR])", r"\1\2"), (r"A$", "ER"), (r"HU", "F"), (r"SYU", "SH"),
)  # fmt: skip


def _loanword(romaji: str, rng: random.Random) -> str:
    """A katakana name's romaji respelt as the English word it came from would be, each rule now
    and then (SANTORI → SUNTORY is beyond rules, but the consonant skeleton they keep is the same)."""
    for pattern, repl in _LOAN:
        if rng.random() < 0.6:
            romaji = re.sub(pattern, repl, romaji)
    return romaji


def _drift(romaji: str, rng: random.Random) -> str:
    """One spelling drift of a romanised proper name, as companies' own English names have them (a
    reading written otherwise: ニホン as Nippon, a vowel or a letter that the furigana does not have)."""
    if len(romaji) < 5:
        return romaji
    i, r = rng.randrange(1, len(romaji)), rng.random()
    if r < 0.4:
        return romaji[:i] + romaji[i + 1 :]
    if r < 0.8:
        return romaji[:i] + rng.choice("AIUEO") + romaji[i + 1 :]
    return romaji[:i] + romaji[i] + romaji[i:]


def _english(
    stem: str | None, word: str | None, nname: str | None, tr: str | None, rng: random.Random
) -> str | None:
    """An English name as companies write theirs: the romaji of the reading's stem and the English of
    the trailing business words (丸八証券 → Maruhachi Securities), the Latin letters of the name kept
    (ＶＭＱ技術 → VMQ Technology), a katakana name respelt as the English word it comes from (コセル →
    Cosel); now and then with the business word dropped or left in romaji, a word the Japanese name
    lacks, a spelling drift, "The" in front, upper case. None otherwise: the reading alone (ニッスイ →
    Nissui) is ``_variant``'s romanised reading. Written here too, it took a share of the training
    queries that made the model cautious with Japanese short names (real sales recall 0.95 → 0.92)."""
    r = rng.random()
    latin = _LATIN.match(nname) if nname else None
    if nname and _KATAKANA.fullmatch(nname) and tr and r < 0.25:
        out = _loanword(tr, rng).title()
    elif stem and word:
        if latin and rng.random() < 0.8:
            proper = latin.group()
        else:
            proper = (_loanword(stem, rng) if nname and _KATAKANA.match(nname) else stem).title()
            proper = _drift(proper, rng).title() if rng.random() < 0.2 else proper
        r = rng.random()
        if r < 0.15:  # the business word not translated, or the English name without it
            out = proper
        elif r < 0.25 and tr and tr.startswith(stem.upper()):
            out = proper + " " + tr[len(stem) :].title()
        else:
            out = proper + " " + word
    else:
        return None
    if rng.random() < 0.06:
        out += rng.choice(_EN_EXTRA)
    if rng.random() < 0.08:
        out = "The " + out
    out += rng.choice(_EN_SUFFIXES)
    return out.upper() if rng.random() < 0.3 else out


def _variant(
    name: str,
    nname: str | None,
    kana: str | None,
    en: str | None,
    roma: str | None,
    rng: random.Random,
    typos: bool = True,
    stem: str | None = None,
    word: str | None = None,
    tr: str | None = None,
) -> str:
    r = rng.random()
    if r < 0.08 and kana:
        return kana
    # its own stream (one draw of the caller's): how English names are written does not reshuffle the rest
    if r < 0.16 and (translated := _english(stem, word, nname, tr, random.Random(rng.random()))):
        return translated
    if r < 0.19 and (en or roma):
        # English as typed: the master's English name, or the romanised reading (which every company has)
        base = en if en and (not roma or rng.random() < 0.5) else roma
        assert base, "roma is only picked when set (en or roma is)"
        return base.title() + rng.choice((" Co., Ltd.", " Inc.", " Corporation", " K.K.", ""))
    if r < 0.21 and nname and len(nname) > 3:
        return nname[: rng.choice((2, 3))]  # a short form: 三井, 山田建 — the start of many names
    s = name
    legal = next((x for x in ("株式会社", "有限会社", "合同会社") if x in s), None)
    if legal == "株式会社" and rng.random() < 0.5:
        s = s.replace("株式会社", rng.choice(_LEGAL_SPELLINGS))
    elif legal and rng.random() < 0.2:
        s = s.replace(legal, "")
    if rng.random() < 0.15:
        s = s + rng.choice(_BRANCHES)
    if rng.random() < 0.15:
        s = "".join(_TO_OLD.get(c, c) for c in s)
    if rng.random() < 0.2:
        s = s.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    if rng.random() < 0.1 and len(s) > 3:
        i = rng.randrange(1, len(s))
        s = s[:i] + " " + s[i:]
    if not typos:
        return s
    if rng.random() < 0.06:
        s = _typo(s, rng)
    if rng.random() < 0.02 and len(s) > 4:
        s = s[: -rng.randint(1, 2)]
    return s


def _address(c: dict, office: str, pref: str | None, rng: random.Random) -> str:
    """An address as typed for the record's ``office``: the company's own (its street address key
    when the master has one), or another office's street in the same city or in ``pref``."""
    if office == "head" and c["addr"]:
        return (c["pref"] or "") + ("県" if rng.random() < 0.5 else "") + c["addr"]
    city = c["city"] if office != "away" else "中央区"
    return f"{pref or ''}県{city or ''}{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"


_LEGAL_FORMS = ("株式会社", "有限会社", "合同会社")
_LEADS = tuple(sorted(REGION_WORDS, key=len, reverse=True))  # a parent named 日本…, 東京…
GROUP_SHARE = 0.04  # training queries written for a group company of a sampled company


def group_company_name(name: str, rng: random.Random) -> str:
    """A group company's name made from its parent's: a region before, a business word after, a
    region inserted after the parent's own leading region (日本関東アプライド開発) or both, typed with
    the usual legal-form, width, old-kanji and branch noise but no typo: a typo'd near name is the
    typo variant's business, and the model must learn the word, not the typo, as the difference."""
    legal = next((x for x in _LEGAL_FORMS if x in name), None)
    core = name.replace(legal, "") if legal else name
    region, word, r = rng.choice(REGION_WORDS), rng.choice(BUSINESS_WORDS), rng.random()
    if r < 0.35:
        core = region + core
    elif r < 0.75:
        core = core + word
    elif r < 0.85 and (lead := next((w for w in _LEADS if core.startswith(w)), None)):
        core = lead + region + core[len(lead) :]
    else:
        core = region + core + word
    legal = legal or "株式会社"
    s = legal + core if name.startswith(legal) or legal not in name else core + legal
    return _variant(s, None, None, None, None, rng, typos=False)


def _corporate_number(rng: random.Random) -> str:
    base = f"{rng.randrange(10**12):012d}"
    return f"{check_digit(base)}{base}"


def _group_company(c: dict, rng: random.Random) -> dict:
    """A record of a group company of master company ``c`` (its parent): same area, often the same
    building; its own phone line, domain and 法人番号 when given."""
    r = rng.random()
    # its own domain (a group sharing the parent's mail domain is left to the name and the keys)
    domain = f"g{rng.randrange(10**6)}.co.jp" if r < 0.35 else "gmail.com" if r < 0.45 else None
    phone = c["phone"]
    if phone:
        phone = phone[:3] + f"{rng.randrange(10**7):07d}"[: len(phone) - 3]
    return {
        "source_key": f"g{c['cidx']}",
        "name": group_company_name(c["name"] or "", rng),
        "corporate_number": _corporate_number(rng) if rng.random() < 0.15 else None,
        "prefecture": c["pref"] if rng.random() < 0.6 else None,
        "phone": phone if rng.random() < 0.25 else None,
        "email_domain": domain,
        "address": _address(c, "head", c["pref"], rng) if rng.random() < 0.35 else None,
        "true_cidx": c["cidx"],
        "outside": False,
        "group_company": True,
    }


def training_queries(master: pl.DataFrame, n: int, seed: int, outside: float = 0.12) -> pl.DataFrame:
    """Records (``records`` columns + ``true_cidx`` + ``outside`` + ``group_company``) generated from
    ``n`` master companies."""
    rng = random.Random(seed)
    grng = random.Random(seed + 1)  # its own stream: the other queries stay as they were
    n = min(n, master.height)
    sample = master.sample(n, seed=seed)
    rows = []
    others = sample["name"].shuffle(seed=seed).to_list()
    places = sample.select("pref").sample(fraction=1.0, shuffle=True, seed=seed + 1).to_dicts()
    for i, c in enumerate(sample.iter_rows(named=True)):
        phone, r = c["phone"], rng.random()
        if phone and r < 0.2:
            phone = phone[:-4] + f"{rng.randrange(10000):04d}"  # a direct line in the same office
        elif phone and r < 0.4:
            phone = phone[:3] + f"{rng.randrange(10**7):07d}"[: len(phone) - 3]  # another line, same area
        elif phone and r < 0.5:
            phone = "0" + f"{rng.randrange(10**9):09d}"  # another office
        domain = c["domain"] if rng.random() < 0.4 else None
        if domain is None and rng.random() < 0.15:
            domain = "gmail.com"
        # the office the record comes from: head office, another office in the same city, or a
        # branch elsewhere (a business card from the 大阪支店) — its prefecture and address then differ
        r = rng.random()
        office = "head" if r < 0.75 else "city" if r < 0.9 else "away"
        pref = places[i]["pref"] if office == "away" else c["pref"]
        rows.append(
            {
                "source_key": str(c["cidx"]),
                # 1%: name typed for another company (a parent, a client): only the keys can tell
                "name": others[i]
                if rng.random() < 0.01
                else _variant(
                    c["name"] or "",
                    c["nname"],
                    c["kana"],
                    c["en"],
                    c["roma"],
                    rng,
                    stem=c["en_stem"],
                    word=c["en_word"],
                    tr=c["en_tr"],
                ),
                "corporate_number": c["cn"] if rng.random() < 0.05 else None,
                "prefecture": pref if rng.random() < 0.6 else None,
                "phone": phone if rng.random() < 0.25 else None,
                "email_domain": domain,
                "address": _address(c, office, pref, rng) if rng.random() < 0.4 else None,
                "true_cidx": c["cidx"],
                "outside": rng.random() < outside,
                "group_company": False,
            }
        )
        if c["name"] and grng.random() < GROUP_SHARE:
            rows.append(_group_company(c, grng))
    text = ("source_key", "name", "corporate_number", "prefecture", "phone", "email_domain", "address")
    # explicit types: a column that is empty in the first rows must not be inferred as all-null
    return pl.DataFrame(rows, schema_overrides={**dict.fromkeys(text, pl.String), "true_cidx": pl.UInt32})
