"""The input contract: canonical columns of each input file, their types and header aliases.

Users' files come from ERPs, SFAs, data vendors and MA tools, so headers vary. Each canonical
column lists the Japanese and English headers we accept for it; anything else can be mapped in
the config's ``[columns.<input>]`` table. Types here drive validation (``abm.inputs.validate``).
"""

from __future__ import annotations

import unicodedata

from abm.inputs.activities import ACTIVITIES
from abm.inputs.spec import CN_ALIASES, Column, InputSpec

_CN = CN_ALIASES
_PREF = ("都道府県", "都道府県名", "県", "prefecture")
_PHONE = ("電話番号", "電話", "tel", "phone number", "telephone")

COMPANIES = InputSpec(
    name="companies",
    key="company_id",
    description="Purchased company master (TDB / TSR / 法人番号 style).",
    columns=(
        Column(
            "company_id",
            "id",
            required=True,
            aliases=("企業コード", "企業id", "tdb企業コード", "tsr企業コード", "会社コード"),
            description="Unique id from the provider, or the 法人番号.",
        ),
        Column(
            "name",
            required=True,
            aliases=("商号", "企業名", "会社名", "法人名", "名称", "company name"),
            description="Official name (商号).",
        ),
        Column(
            "corporate_number",
            "corporate_number",
            aliases=_CN,
            description="13-digit 法人番号, check digit validated.",
        ),
        Column(
            "name_kana",
            aliases=("フリガナ", "商号フリガナ", "カナ", "企業名カナ", "ふりがな"),
            description="Katakana reading.",
        ),
        Column(
            "name_en", aliases=("英文商号", "英語名", "英文社名", "english name"), description="English name."
        ),
        Column("prefecture", aliases=_PREF, description="Prefecture (都道府県)."),
        Column("city", aliases=("市区町村", "市区町村名"), description="City / ward (市区町村)."),
        Column("address", aliases=("所在地", "住所", "本社所在地"), description="Street address."),
        Column("postal_code", aliases=("郵便番号", "〒", "zip"), description="Postal code (郵便番号)."),
        Column("phone", aliases=_PHONE, description="Main phone number."),
        Column(
            "domain",
            aliases=("ドメイン", "url", "ホームページ", "website", "web"),
            description="Web / email domain.",
        ),
        Column(
            "industry_code",
            aliases=("業種コード", "産業分類コード", "jsic"),
            description="JSIC industry code.",
        ),
        Column("industry_name", aliases=("業種", "業種名", "産業分類"), description="Industry name."),
        Column("employees", "int", aliases=("従業員数", "従業員"), description="Employees."),
        Column("revenue", "number", aliases=("売上高", "年商"), description="Annual revenue (yen)."),
        Column("capital", "number", aliases=("資本金",), description="Capital (yen)."),
        Column("founded_year", "year", aliases=("設立年", "設立"), description="Year founded."),
        Column(
            "listed", "bool", aliases=("上場区分", "上場", "上場市場"), description="Listed on an exchange."
        ),
        Column(
            "legal_form",
            aliases=("法人種別", "法人格", "組織形態"),
            description="Legal form (株式会社, 合同会社, 国の機関...); from 法人種別 in the 法人番号 data.",
        ),
        Column(
            "former_names",
            aliases=("旧商号", "旧社名", "旧会社名", "former name", "former names"),
            description="Former names (旧商号) of a renamed company, several separated by ; 、 or |. "
            "A record still written under one links to the company (evidence former_name).",
        ),
        Column(
            "closed",
            "bool",
            aliases=("閉鎖", "閉鎖フラグ", "廃業", "closed flag"),
            description="Closed (登記記録の閉鎖, liquidated or merged away): no longer a prospect.",
        ),
        Column(
            "closed_on",
            "date",
            aliases=("閉鎖日", "閉鎖年月日", "登記記録の閉鎖等年月日", "close date"),
            description="Date the company closed (登記記録の閉鎖等年月日); a date alone means closed.",
        ),
        Column(
            "successor_corporate_number",
            "corporate_number",
            aliases=("承継先法人番号", "successor corporate number"),
            description="法人番号 of the successor in a merger (承継先): its records go there.",
        ),
    ),
)

ENRICH_COLUMNS = (
    "industry_code",
    "industry_name",
    "employees",
    "revenue",
    "capital",
    "founded_year",
    "listed",
    "phone",
    "domain",
)

COMPANIES_ENRICH = InputSpec(
    name="companies_enrich",
    key="corporate_number",
    optional=True,
    description="Size and industry per 法人番号 (gBizINFO, purchased data) that fill the master's empty "
    "columns.",
    columns=(
        Column(
            "corporate_number",
            "corporate_number",
            required=True,
            aliases=_CN,
            description="13-digit 法人番号 of the master company the row enriches.",
        ),
        *(COMPANIES.by_name[name] for name in ENRICH_COLUMNS),
    ),
)

SALES = InputSpec(
    name="sales",
    description="Internal sales lines (invoice / order lines from the ERP or SFA).",
    columns=(
        Column(
            "date",
            "date",
            required=True,
            aliases=("受注日", "売上日", "計上日", "日付", "請求日", "order date"),
            description="Order / sales date.",
        ),
        Column(
            "customer_code",
            required=True,
            aliases=("取引先コード", "得意先コード", "顧客コード", "customer id"),
            description="Customer code in the ERP / SFA.",
        ),
        Column(
            "customer_name",
            required=True,
            aliases=("取引先名", "得意先名", "顧客名", "会社名", "customer"),
            description="Customer name as typed.",
        ),
        Column(
            "amount",
            "number",
            required=True,
            aliases=("売上金額", "金額", "売上", "税抜金額", "受注金額"),
            description="Amount in yen; negative for returns.",
        ),
        Column(
            "corporate_number", "corporate_number", aliases=_CN, description="法人番号 if the ERP has it."
        ),
        Column("prefecture", aliases=_PREF, description="Customer prefecture."),
        Column("address", aliases=("住所", "所在地"), description="Customer address."),
        Column("phone", aliases=_PHONE, description="Customer phone."),
        Column(
            "product", aliases=("商品", "商品名", "品目", "product name"), description="Product or category."
        ),
    ),
)

CONTACTS = InputSpec(
    name="contacts",
    key="contact_id",
    description="Opt-in contact lists (名刺, events, web forms, MA). Personal data.",
    columns=(
        Column(
            "contact_id",
            "id",
            required=True,
            aliases=("コンタクトid", "コンタクトコード", "リードid", "id"),
            description="Unique contact id.",
        ),
        Column(
            "company_name",
            required=True,
            aliases=("会社名", "企業名", "勤務先", "company"),
            description="Company as the person typed it.",
        ),
        Column(
            "email",
            "email",
            required=True,
            aliases=("メールアドレス", "メール", "e-mail", "mail"),
            description="Email address.",
            personal=True,
        ),
        Column(
            "opt_in",
            "opt_in",
            required=True,
            aliases=("オプトイン", "配信許諾", "opt-in", "許諾日", "オプトイン日"),
            description="Opt-in: a boolean, or the opt-in date (a date means yes).",
        ),
        Column(
            "person_name",
            aliases=("氏名", "名前", "担当者名", "name"),
            description="Person's name.",
            personal=True,
        ),
        Column("department", aliases=("部署", "部署名", "所属"), description="Department (部署)."),
        Column("title", aliases=("役職", "役職名", "job title"), description="Title (役職)."),
        Column("phone", aliases=_PHONE, description="Phone.", personal=True),
        Column(
            "opted_out_at",
            "date",
            aliases=("配信停止日", "オプトアウト日", "unsubscribed", "unsubscribe date"),
            description="Opt-out / unsubscribe date.",
        ),
        Column("prefecture", aliases=_PREF, description="Prefecture."),
        Column(
            "address",
            aliases=("会社住所", "勤務先住所", "住所", "所在地", "company address"),
            description="Company address (from a business card or form); helps 名寄せ tell namesakes apart.",
        ),
        Column("corporate_number", "corporate_number", aliases=_CN, description="法人番号 if known."),
    ),
)

REPS = InputSpec(
    name="reps",
    key="rep_id",
    optional=True,
    description="Sales reps for territory assignment (optional).",
    columns=(
        Column(
            "rep_id",
            "id",
            required=True,
            aliases=("担当者コード", "営業担当コード", "社員番号"),
            description="Rep id.",
        ),
        Column("name", required=True, aliases=("担当者名", "氏名", "営業担当"), description="Rep name."),
        Column("area", aliases=("エリア", "担当エリア", "地域"), description="Area name (e.g. 関東)."),
        Column("prefectures", aliases=("担当都道府県",), description="Prefectures, separated by ; or 、."),
        Column("industries", aliases=("担当業種",), description="Industry codes, separated by ;."),
        Column(
            "capacity",
            "number",
            aliases=("キャパシティ", "capacity weight"),
            description="Relative capacity (1 = normal).",
        ),
        Column("active", "bool", aliases=("有効", "在籍"), description="Active (default true)."),
        Column(
            "email",
            "email",
            aliases=("メールアドレス", "メール", "e-mail", "email address"),
            description="Rep's email: the owner a HubSpot company import matches (`abm export`).",
            personal=True,
        ),
        Column(
            "crm_user_id",
            "id",
            aliases=("CRMユーザーID", "SalesforceユーザーID", "HubSpotオーナーID", "owner id", "user id"),
            description="Rep's CRM user id: Salesforce's Account Owner ID (`abm export`).",
        ),
    ),
)

PINS = InputSpec(
    name="pins",
    key="account_id",
    optional=True,
    description="Named accounts pinned to a rep (optional).",
    columns=(
        Column(
            "account_id",
            "id",
            required=True,
            aliases=("アカウントid",),
            description="Account id from `accounts`.",
        ),
        Column(
            "rep_id",
            "id",
            required=True,
            aliases=("担当者コード", "営業担当コード"),
            description="Rep it stays with.",
        ),
    ),
)

INPUTS: dict[str, InputSpec] = {
    s.name: s for s in (COMPANIES, COMPANIES_ENRICH, SALES, CONTACTS, REPS, PINS, ACTIVITIES)
}
FILE_SUFFIXES = (".csv", ".tsv", ".parquet", ".xlsx")


def header_key(header: str) -> str:
    """Fold a header for alias lookup: NFKC, lower case, no surrounding or inner blanks."""
    return "".join(unicodedata.normalize("NFKC", str(header)).lower().split())


def alias_map(spec: InputSpec) -> dict[str, str]:
    """Folded header -> canonical column name, canonical names included."""
    out: dict[str, str] = {}
    for col in spec.columns:
        for alias in (col.name, *col.aliases):
            out.setdefault(header_key(alias), col.name)
    return out
