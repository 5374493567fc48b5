"""The activities input: web and MA behaviour rows, with the headers of the usual MA tools' exports.

Marketo (Activity Date, Activity Type Name, Lead ID, Email Address, Primary Attribute Value), Account
Engagement / Pardot (Prospect ID, Created Date, Type Name, Details, Score), HubSpot (Record ID,
Activity date, Activity type, Company Domain Name), SATORI (アクション日時, アクション, アクセスURL,
スコア) and b→dash (行動日時, イベント名) are read without any mapping; others via ``[columns.activities]``.
"""

from __future__ import annotations

from abm.inputs.spec import CN_ALIASES, Column, InputSpec

ACTIVITIES = InputSpec(
    name="activities",
    optional=True,
    keeps_source=True,
    any_of=("contact_id", "email", "company_name", "corporate_number", "domain"),
    description="Web and MA activity (page views, downloads, webinars, inquiries) exported from an MA "
    "tool (Marketo, Account Engagement, HubSpot, SATORI, b→dash) or web analytics. Personal data.",
    columns=(
        Column(
            "date",
            "date",
            required=True,
            aliases=(
                "日時",
                "日付",
                "アクション日時",
                "活動日",
                "活動日時",
                "行動日時",
                "イベント日時",
                "アクセス日時",
                "発生日時",
                "activity date",
                "activity date/time",
                "activitydate",
                "created date",
                "created at",
                "timestamp",
            ),
            description="Date of the activity (a time of day, if any, is dropped).",
        ),
        Column(
            "activity_type",
            required=True,
            aliases=(
                "アクション",
                "アクション種別",
                "アクション名",
                "活動種別",
                "活動タイプ",
                "行動種別",
                "イベント名",
                "イベント種別",
                "種別",
                "activity type",
                "activity type name",
                "activity",
                "type",
                "type name",
                "event type",
            ),
            description="Activity type as the tool names it (資料ダウンロード, Visit Web Page, Form...).",
        ),
        Column(
            "contact_id",
            "id",
            aliases=(
                "コンタクトid",
                "コンタクトコード",
                "リードid",
                "顧客id",
                "カスタマーid",
                "lead id",
                "leadid",
                "prospect id",
                "contact id",
                "record id",
                "person id",
            ),
            description="Contact id as in the contacts file.",
        ),
        Column(
            "email",
            "email",
            aliases=("メールアドレス", "メール", "e-mail", "email address", "mail"),
            description="Email address of the person who acted.",
            personal=True,
        ),
        Column(
            "company_name",
            aliases=(
                "会社名",
                "企業名",
                "勤務先",
                "組織名",
                "company",
                "company name",
                "account name",
                "associated company",
            ),
            description="Company as the person typed it, or as an IP-to-company service named it.",
        ),
        Column("corporate_number", "corporate_number", aliases=CN_ALIASES, description="法人番号 if known."),
        Column(
            "domain",
            aliases=("ドメイン", "企業ドメイン", "website", "company domain name", "company domain"),
            description="Company web / email domain.",
        ),
        Column(
            "url",
            aliases=(
                "url",
                "ページurl",
                "アクセスurl",
                "閲覧ページ",
                "ページ",
                "page url",
                "web page",
                "primary attribute value",
                "details",
            ),
            description="Page or asset acted on.",
        ),
        Column(
            "points",
            "number",
            aliases=("ポイント", "スコア", "点数", "score", "points", "score change"),
            description="Points the MA tool gave the activity (kept as given).",
        ),
        Column(
            "campaign",
            aliases=("キャンペーン", "キャンペーン名", "施策", "campaign", "campaign name"),
            description="Campaign or program.",
        ),
    ),
)
