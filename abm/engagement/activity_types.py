"""The activity-type vocabulary: what a row of the `activities` input says the person did.

MA tools and hand-made exports name the same behaviour many ways (資料DL, ホワイトペーパー, Marketo's
"Fill Out Form", HubSpot's "Form submission", SATORI's フォーム送信...). Each value is folded (NFKC,
case-folded, blanks/underscores/dashes/middle dots dropped) and looked up in the aliases below, plus
the user's own ``[engagement] type_aliases``; anything unknown is ``other`` (counted, with the small
``other`` points), never dropped. Codes are ASCII; people-facing labels live in abm.messages.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

CODES: tuple[str, ...] = (
    "download",
    "webinar",
    "inquiry",
    "form",
    "email_open",
    "email_click",
    "page_view",
    "event",
    "meeting",
    "other",
)

# Default points per code: the method's 資料DL 3, ウェビナー参加 5, 問い合わせ 10; the rest small.
DEFAULT_POINTS: dict[str, float] = {
    "download": 3.0,
    "webinar": 5.0,
    "inquiry": 10.0,
    "form": 2.0,
    "email_open": 0.5,
    "email_click": 1.0,
    "page_view": 0.5,
    "event": 3.0,
    "meeting": 3.0,
    "other": 1.0,
}

# Values as MA tools and people write them (Japanese, English; Marketo, Account Engagement/Pardot,
# HubSpot, SATORI, b→dash), folded by ``fold`` before lookup.
_ALIASES: dict[str, tuple[str, ...]] = {
    "download": (
        "資料DL",
        "資料ダウンロード",
        "ダウンロード",
        "資料請求",
        "ホワイトペーパー",
        "ホワイトペーパーDL",
        "ホワイトペーパーダウンロード",
        "カタログ請求",
        "DL",
        "download",
        "downloaded",
        "file download",
        "content download",
        "downloaded content",
        "whitepaper",
        "white paper",
        "whitepaper download",
        "ebook",
        "e-book download",
        "File",
        "File Access",
        "Downloaded File",
    ),
    "webinar": (
        "ウェビナー",
        "ウェビナー参加",
        "ウェビナー視聴",
        "オンラインセミナー",
        "オンラインセミナー参加",
        "webinar",
        "webinar attended",
        "attended webinar",
        "webinar attendance",
        "webinar registration",
        "Webinar Attendee",
        "ウェビナー申込",
    ),
    "inquiry": (
        "問い合わせ",
        "問合せ",
        "問合わせ",
        "問い合せ",
        "お問い合わせ",
        "お問合せ",
        "お問い合わせフォーム",
        "見積依頼",
        "見積もり依頼",
        "デモ依頼",
        "デモ申込",
        "商談依頼",
        "inquiry",
        "enquiry",
        "contact us",
        "contact request",
        "demo request",
        "request a demo",
        "quote request",
        "sales inquiry",
    ),
    "form": (
        "フォーム",
        "フォーム送信",
        "フォーム入力",
        "フォーム登録",
        "フォーム回答",
        "form",
        "form submission",
        "form submitted",
        "submitted form",
        "form fill",
        "fill out form",
        "filled out form",
        "form handler",
        "Landing Page",
        "landing page success",
        "web form",
    ),
    "email_open": (
        "メール開封",
        "開封",
        "メール閲覧",
        "email open",
        "open email",
        "opened email",
        "email opened",
        "email opens",
    ),
    "email_click": (
        "メールクリック",
        "メール内リンククリック",
        "メールリンククリック",
        "クリック",
        "email click",
        "click email",
        "clicked email",
        "email clicked",
        "email link click",
        "click link in email",
        "Email Click-through",
        "Custom Redirect",
        "click",
    ),
    "page_view": (
        "ページ閲覧",
        "ページビュー",
        "閲覧",
        "サイト訪問",
        "サイト閲覧",
        "Web訪問",
        "Webアクセス",
        "アクセス",
        "PV",
        "page view",
        "pageview",
        "page visit",
        "web page visit",
        "visit webpage",
        "visit web page",
        "visit",
        "site visit",
        "website visit",
        "Visited Page",
    ),
    "event": (
        "イベント",
        "イベント参加",
        "展示会",
        "展示会来場",
        "展示会名刺交換",
        "セミナー",
        "セミナー参加",
        "カンファレンス",
        "event",
        "event attended",
        "attended event",
        "event attendance",
        "trade show",
        "tradeshow",
        "trade show visit",
        "seminar",
        "conference",
        "booth visit",
    ),
    "meeting": (
        "商談",
        "面談",
        "打ち合わせ",
        "打合せ",
        "訪問",
        "アポイント",
        "meeting",
        "meeting booked",
        "appointment",
        "sales meeting",
        "call",
        "phone call",
    ),
    "other": ("その他", "other"),
}

_DROP = re.compile(r"[\s_\-‐−ー・･/]+")


def fold(value: str) -> str:
    """Lookup key of an activity-type value: NFKC, case-folded, blanks and separators dropped
    (so "Fill Out Form", "fill_out_form" and ＦＩＬＬ ＯＵＴ ＦＯＲＭ meet). The long-vowel mark ー is a
    separator too, so ウェビナー and ウェビナ (a common typo) meet."""
    return _DROP.sub("", unicodedata.normalize("NFKC", value).casefold())


ALIASES: dict[str, str] = {fold(v): code for code, values in _ALIASES.items() for v in (code, *values)}


def type_codes(values: pl.Series, extra: dict[str, str] | None = None) -> pl.DataFrame:
    """(activity_type, type_code) for each distinct value: the user's ``extra`` aliases first, then
    the built-in ones, else ``other``. Runs on the distinct values only, so 10M rows cost a lookup of a
    few hundred strings."""
    lookup = {**ALIASES, **{fold(k): v for k, v in (extra or {}).items()}}
    distinct = values.unique().drop_nulls().to_list()
    return pl.DataFrame(
        {"activity_type": distinct, "type_code": [lookup.get(fold(v), "other") for v in distinct]},
        schema={"activity_type": pl.String, "type_code": pl.String},
    )
