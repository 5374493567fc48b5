"""The sample's files as users' files arrive: Japanese headers; Parquet, UTF-8 or CP932 CSV, or .xlsx."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import xlsxwriter

COMPANY_HEADERS = {
    "company_id": "企業コード",
    "name": "商号",
    "corporate_number": "法人番号",
    "name_kana": "フリガナ",
    "name_en": "英文商号",
    "prefecture": "都道府県",
    "city": "市区町村",
    "address": "所在地",
    "postal_code": "郵便番号",
    "phone": "電話番号",
    "domain": "ドメイン",
    "industry_code": "業種コード",
    "industry_name": "業種名",
    "employees": "従業員数",
    "revenue": "売上高",
    "capital": "資本金",
    "founded_year": "設立年",
    "listed": "上場区分",
}
SALES_HEADERS = {
    "date": "受注日",
    "customer_code": "取引先コード",
    "customer_name": "取引先名",
    "amount": "売上金額",
    "corporate_number": "法人番号",
    "prefecture": "都道府県",
    "address": "住所",
    "phone": "電話番号",
    "product": "商品名",
}
CONTACT_HEADERS = {
    "contact_id": "コンタクトID",
    "company_name": "会社名",
    "email": "メールアドレス",
    "opt_in": "オプトイン",
    "person_name": "氏名",
    "department": "部署",
    "title": "役職",
    "phone": "電話番号",
    "opted_out_at": "配信停止日",
    "prefecture": "都道府県",
    "address": "会社住所",
}
ACTIVITY_HEADERS = {  # SATORI-like Japanese headers
    "date": "アクション日時",
    "activity_type": "アクション",
    "contact_id": "コンタクトID",
    "email": "メールアドレス",
    "company_name": "会社名",
    "corporate_number": "法人番号",
    "domain": "ドメイン",
    "url": "URL",
    "points": "スコア",
    "campaign": "キャンペーン",
}
XLSX_CREATED = datetime(2026, 1, 1, 9, 0, 0)


def write_frame(df: pl.DataFrame, path: Path, kind: str) -> None:
    if kind == "parquet":
        df.write_parquet(path, compression="zstd", statistics=False)
    elif kind == "csv":
        df.write_csv(path)
    elif kind == "cp932":
        text = df.write_csv(line_terminator="\r\n")
        path.write_bytes(text.encode("cp932"))
    elif kind == "xlsx":
        wb = xlsxwriter.Workbook(
            str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        wb.set_properties({"created": XLSX_CREATED, "author": "abm sample"})
        ws = wb.add_worksheet("contacts")
        for j, col in enumerate(df.columns):
            ws.write_string(0, j, col)
            for i, v in enumerate(df[col].to_list(), start=1):
                if v is not None:
                    ws.write_string(i, j, v)
        wb.close()
    else:  # pragma: no cover
        raise ValueError(kind)
