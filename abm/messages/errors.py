"""The one line a problem with the user's files, config or environment is told in (``AbmError``,
abm/errors.py), keyed ``error.*``. Part of the one message catalogue (abm.messages), in its own file
like the run's and the CLI's words. File names, paths, option and config keys, column names and the
values quoted stay as written; the sentence around them is in the user's language."""

from __future__ import annotations

ERRORS: dict[str, dict[str, str]] = {
    # -- the input folder and its files (abm/inputs/readers.py, encoding.py, houjin.py)
    "error.input.no_folder": {
        "ja": "入力フォルダ {folder} が見つかりません",
        "en": "input folder {folder} not found",
    },
    "error.input.several_files": {
        "ja": "{folder}: {name} のファイルが複数あります（{files}）。一つにしてください",
        "en": "{folder}: more than one {name} file ({files}); keep one",
    },
    "error.input.no_file": {
        "ja": "{folder}: {name} のファイルがありません（{expected} のいずれか）",
        "en": "{folder}: no {name} file (expected one of {expected})",
    },
    "error.input.no_sheet": {
        "ja": "{path}: シート '{sheet}' がありません（シート: {sheets}）",
        "en": "{path}: no sheet '{sheet}' (sheets: {sheets})",
    },
    "error.input.file_type": {
        "ja": "{path}: 読めないファイル形式 '{suffix}' です（{suffixes} にしてください）",
        "en": "{path}: unsupported file type '{suffix}' (use {suffixes})",
    },
    "error.input.unreadable": {
        "ja": "{path}: 読み込めません（{detail}）",
        "en": "{path}: cannot be read ({detail})",
    },
    "error.input.open_quote": {
        "ja": "{path}: 行の区切りがわかりません（読んだ行 {read}、数えた行 {counted}）。"
        '引用符 (") が閉じていないところはありませんか',
        "en": "{path}: cannot tell its rows apart ({read} rows read, {counted} counted); "
        'is a quote (") left open?',
    },
    "error.input.encoding": {
        "ja": "{path}: UTF-8、UTF-16、EUC-JP、CP932 (Shift_JIS) のどれでも読めないテキストです",
        "en": "{path}: not readable as UTF-8, UTF-16, EUC-JP or CP932 (Shift_JIS) text",
    },
    "error.input.unknown_column": {
        "ja": "設定 [columns.{input}]: '{header}' の割り当て先 '{target}' という列はありません"
        "（列: {known}）",
        "en": "config [columns.{input}]: '{header}' maps to unknown column '{target}' (known: {known})",
    },
    "error.input.same_column": {
        "ja": "{file}: 見出し '{first}' と '{second}' がどちらも列 '{column}' を指しています。"
        "どちらかの名前を変えるか削除してください",
        "en": "{file}: headers '{first}' and '{second}' both mean column '{column}'; rename or remove one "
        "of them",
    },
    "error.input.sheets_differ": {
        "ja": "{path}: シート '{first}' と '{second}' の見出しが違います。"
        '揃えるか、読むシートを設定で指定してください: [inputs.sheets] {input} = "{first}"',
        "en": "{path}: sheets '{first}' and '{second}' have different headers; make them equal, or name "
        'the one to read in the config: [inputs.sheets] {input} = "{first}"',
    },
    "error.input.missing_column": {
        "ja": "{file}: 必須の列 '{column}' がありません",
        "en": "{file}: missing required column '{column}'",
    },
    "error.input.missing_columns": {
        "ja": "{summary}（使える見出しは下のとおり。"
        "自分の見出しを設定の {tables} で割り当てることもできます）",
        "en": "{summary} (accepted headers below; or map yours in {tables} of the config, as shown)",
    },
    "error.input.accepted_headers": {
        "ja": "  {file}: '{column}'（使える見出し: {headers}）",
        "en": "  {file}: '{column}' (accepted headers: {headers})",
    },
    "error.input.map_headers": {
        "ja": "見出しの名前が違うときは、設定ファイル (abm.toml) で割り当ててください:",
        "en": "If your files name them differently, map your headers in the config (abm.toml):",
    },
    "error.input.your_header": {"ja": "<あなたの見出し>", "en": "<your header>"},
    "error.input.nothing_valid": {
        "ja": "{path}: 検証を通った行がありません"
        "（除外 {rejected} 行。最初: {row} 行目、{column}: {reason}）",
        "en": "{path}: no row passed validation "
        "({rejected} rows rejected; first: row {row}, {column}: {reason})",
    },
    "error.input.no_as_of": {
        "ja": "sales: 有効な売上明細がないため基準日が決まりません。run.as_of を設定するか --as-of を指定して"
        "ください",
        "en": "sales: no valid sales line, so there is no as-of date; set run.as_of or pass --as-of",
    },
    "error.input.several_masters": {
        "ja": "{folder}: 企業マスターが複数あります（{files}）。一つにしてください",
        "en": "{folder}: more than one company master ({files}); keep one",
    },
    "error.input.no_houjin_master": {
        "ja": "{folder}: inputs.companies_format = houjin ですが、companies.csv、companies.zip、companies/ "
        "フォルダのどれもありません",
        "en": "{folder}: inputs.companies_format = houjin but no companies.csv, companies.zip or companies/ "
        "folder",
    },
    "error.input.no_houjin_csv": {
        "ja": "{path}: 法人番号 全件データの .csv ファイルが入っていません",
        "en": "{path}: no .csv file of the 法人番号 全件データ inside",
    },
    "error.input.bad_zip": {
        "ja": "{path}: 読める zip ファイルではありません",
        "en": "{path}: not a readable zip file",
    },
    "error.input.bad_text": {
        "ja": "{path}: {encoding} のテキストとして読めません（{byte} バイト目: {reason}）",
        "en": "{path}: not readable as {encoding} text ({reason} at byte {byte})",
    },
    "error.input.houjin_layout": {
        "ja": "{path}: 法人番号の 30 列の CSV として読めません（{detail}）",
        "en": "{path}: cannot be read as the 法人番号 30-column CSV ({detail})",
    },
    "error.input.houjin_short": {
        "ja": "{path}: {row} 行目の列が 30 より少ないです（法人番号 全件データの形式でないか、ダウンロードが"
        "壊れています）。そのような行が {rows:,} 行",
        "en": "{path}: row {row} has fewer than 30 columns (not the 法人番号 全件データ layout, or a broken "
        "download); {rows:,} such rows",
    },
    # -- config (abm/config/settings.py, pipelines/load.py, abm/ranking/buying_power.py, api/security.py)
    "error.config.not_found": {
        "ja": "設定ファイル {path} が見つかりません",
        "en": "config file {path} not found",
    },
    "error.config.not_toml": {
        "ja": "設定ファイル {path}: TOML として正しくありません（{detail}）",
        "en": "config file {path}: not valid TOML ({detail})",
    },
    "error.config.bad_key": {
        "ja": "設定 {source}: キー '{key}': {detail}",
        "en": "config {source}: key '{key}': {detail}",
    },
    "error.config.unknown_input": {
        "ja": "設定 [{table}] {name}: そういう入力はありません（入力: {known}）",
        "en": "config [{table}] {name}: unknown input (known: {known})",
    },
    "error.config.rule_column": {
        "ja": "buying_power.rule_weights: '{column}' という列はありません",
        "en": "buying_power.rule_weights: unknown column '{column}'",
    },
    "error.config.rule_sum": {
        "ja": "buying_power.rule_weights の合計は正でなければなりません",
        "en": "buying_power.rule_weights must have a positive sum",
    },
    "error.config.no_api_keys": {
        "ja": "api.keys: API キーがありません。設定に api.keys を書くか ABM_API__KEYS（JSON）を設定するか、"
        "手元でキーなしに動かすなら --dev を付けてください",
        "en": "api.keys: no API keys configured: add api.keys to the config or set ABM_API__KEYS (JSON), "
        "or pass --dev for a local, keyless server",
    },
    # -- options of the commands (abm/cli, abm/published/export.py)
    "error.option.as_of": {
        "ja": "--as-of: '{value}' は 2026-09-30 のような日付ではありません",
        "en": "--as-of: '{value}' is not a date like 2026-09-30",
    },
    "error.option.format": {
        "ja": "--format は sample、parquet、csv のどれかです（指定: '{value}'）",
        "en": "--format must be sample, parquet or csv (got '{value}')",
    },
    "error.option.scale": {
        "ja": "{option} の規模は {scales} から選んでください（指定: '{value}'）",
        "en": "{option} must name scales among {scales} (got '{value}')",
    },
    "error.option.clash": {
        "ja": "{option} は {also} と一緒に使えません: {option} は独自の実行を行い、"
        "{also} が対象とする単独の実行は行われません",
        "en": "{option} cannot be combined with {also}: it replaces the single run they apply to",
    },
    "error.option.crm": {
        "ja": "--crm は {choices} のどれかです（指定: '{value}'）",
        "en": "--crm must be one of {choices} (got '{value}')",
    },
    "error.option.kind": {
        "ja": "--kind は {choices} のどれかです（指定: '{value}'）",
        "en": "--kind must be one of {choices} (got '{value}')",
    },
    "error.option.tier": {
        "ja": "--tier は 1、2、3 のどれかです（指定: {value}）",
        "en": "--tier must be 1, 2 or 3 (got {value})",
    },
    "error.export.suffix": {
        "ja": "{path}: 書き出し先は .csv か .xlsx のファイルにしてください",
        "en": "{path}: the export must be a .csv or .xlsx file",
    },
    "error.export.no_history": {
        "ja": "--changed-since には account_history が要ります: この DB には以前の実行がありません",
        "en": "--changed-since needs account_history: this database has no earlier run",
    },
    "error.export.no_last": {
        "ja": "--changed-since last: account_history に比べる以前の実行がありません",
        "en": "--changed-since last: there is no earlier run in account_history to compare with",
    },
    "error.export.no_such_run": {
        "ja": "--changed-since {run}: そういう以前の実行はありません（最近の以前の実行: {known}）",
        "en": "--changed-since {run}: no such earlier run (latest earlier runs: {known})",
    },
    "error.export.no_such_run.none": {
        "ja": "--changed-since {run}: そういう以前の実行はありません（以前の実行なし）",
        "en": "--changed-since {run}: no such earlier run (latest earlier runs: none)",
    },
    "error.export.no_reps": {
        "ja": "この実行には担当者ファイルがなく、担当者のいるアカウントがありません: "
        "reps.csv を置いて実行し直してください",
        "en": "this run had no reps file, so no account has an owner: add reps.csv and run again",
    },
    "error.territories.no_reps": {
        "ja": "{db} にテリトリーがありません: 入力フォルダに担当者ファイル"
        "（担当者コード, 担当者名, エリア）を置いて `abm run` を実行してください",
        "en": "{db} has no territories: add a reps file (担当者コード, 担当者名, エリア) to the input folder "
        "and run `abm run`",
    },
    # -- the review of borderline pairs (abm/matching/review.py, decision_store.py)
    "error.review.suffix": {
        "ja": "{path}: 確認用の書き出しは .csv か .xlsx にしてください",
        "en": "{path}: review export must be .csv or .xlsx",
    },
    "error.review.not_found": {"ja": "{path}: ファイルが見つかりません", "en": "{path}: file not found"},
    "error.review.missing_column": {
        "ja": "{path}: 列 '{column}' がありません（`abm review export` で書き出した確認表を使ってください）",
        "en": "{path}: missing column '{column}' (export the queue with `abm review export`)",
    },
    "error.review.bad_decision": {
        "ja": "{path}: {row} 行目: 判断 '{decision}' は 'link' でも 'not' でもありません",
        "en": "{path}: row {row}: decision '{decision}' is not 'link' or 'not'",
    },
    "error.review.no_company": {
        "ja": "{path}: {row} 行目: 判断 'link' には company_id が要ります",
        "en": "{path}: row {row}: decision 'link' needs a company_id",
    },
    "error.review.unknown_record": {
        "ja": "{path}: {row} 行目: {source} のレコード '{key}' は {db} にありません（source は sales か "
        "contacts、source_key は最新の実行の取引先コードかコンタクト ID）。何も記録していません",
        "en": "{path}: row {row}: {source} record '{key}' is not in {db} (source must be sales or contacts "
        "and source_key a customer code or contact id of the latest run); nothing was recorded",
    },
    "error.review.unknown_company": {
        "ja": "{path}: {row} 行目: company_id '{company}' は {db} の企業マスターにありません。何も記録して"
        "いません",
        "en": "{path}: row {row}: company_id '{company}' is not in the company master of {db}; nothing was "
        "recorded",
    },
    "error.decisions.unreadable": {
        "ja": "判断の記録 {path}: 読み込めません（{detail}）",
        "en": "decisions store {path}: cannot be read ({detail})",
    },
    "error.decisions.missing_column": {
        "ja": "判断の記録 {path}: 列 '{column}' がありません",
        "en": "decisions store {path}: missing column '{column}'",
    },
    "error.decisions.bad_source": {
        "ja": "判断: source '{source}' / キー '{key}' の行は sales でも contacts でもありません",
        "en": "decisions: row with source '{source}' / key '{key}' is not a sales or contacts record",
    },
    # -- the published file and the machine (abm/published/file.py, pipelines/carry_over.py, checks.py)
    "error.file.publishing": {
        "ja": "別の abm の実行が {db} を公開中です（ロック {lock}）。終わるのを待ってください",
        "en": "another abm run is publishing {db} (lock {lock}); wait for it to finish",
    },
    "error.file.open_for_writing": {
        "ja": "{db} は別のプログラム（{holder}）が書き込み用に開いています。その接続を閉じて（BI ツールの"
        "読み書き接続なら読み取り専用で開き直して）実行し直してください。{db} はそのままです",
        "en": "{db} is open for writing by another program ({holder}); close that connection (e.g. the BI "
        "tool's read-write connection; open it read-only) and run again. {db} was left as it was",
    },
    "error.file.previous_open": {
        "ja": "{db} は別のプログラムが書き込み用に開いています。その接続を閉じて（読み取り専用で開き直して）"
        "実行し直してください。{db} はそのままです",
        "en": "{db} is open for writing by another program; close that connection (open it read-only) "
        "and run again. {db} was left as it was",
    },
    "error.file.missing": {
        "ja": "データベース {db} がありません: 先に `abm run` を実行してください",
        "en": "database {db} not found: run `abm run` first",
    },
    "error.file.unreadable": {
        "ja": "データベース {db} を読めません（壊れているか DuckDB のファイルではありません）: "
        "`abm run` で公開し直してください",
        "en": "database {db} cannot be read (corrupt or not a DuckDB file): publish it again with `abm run`",
    },
    "error.file.disk_full": {
        "ja": "{where} への書き込み中にディスクがいっぱいになりました。空きを作って実行し直してください。"
        "{db} はそのままです",
        "en": "disk full while writing {where}: free some space and run again; {db} was left as it was",
    },
    "error.file.os": {
        "ja": "{where}: {detail}。{db} はそのままです",
        "en": "{where}: {detail}; {db} was left as it was",
    },
    "error.run.check_failed": {
        "ja": "実行の検査に失敗したため公開していません（{broken}）。以前のファイルはそのままです。"
        "この実行の入力を添えて報告してください",
        "en": "run check failed, nothing published ({broken}); the previous file is unchanged — please "
        "report this with the run's inputs",
    },
}
