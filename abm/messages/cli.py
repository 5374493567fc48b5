"""What the `abm` command says itself: each command's and option's help (``cli.<command>``,
``cli.<command>.<option>``) and the result lines and tables of the commands that are not a run
(export, review, report, serve, territories), keyed ``cli.*``. Part of the one message catalogue
(abm.messages), in its own file like the run's and the workspace's words. Option names, file names,
codes and the `error:` prefix of a problem line stay as they are; click's own headings (Usage,
Options) are click's."""

from __future__ import annotations

CLI: dict[str, dict[str, str]] = {
    # -- the app and the options several commands share
    "cli.app": {
        "ja": "B2B で狙うべきアカウントを選ぶ（自社の取引 × 購買力 × 接点の三つの輪）。",
        "en": "Pick the B2B accounts to target.",
    },
    "cli.version": {"ja": "バージョンを表示する。", "en": "Print the version."},
    "cli.config_file": {
        "ja": "TOML の設定ファイル（既定: ./abm.toml）。",
        "en": "TOML config file (default ./abm.toml).",
    },
    "cli.db_file": {
        "ja": "DuckDB ファイル（既定は設定から: abm.duckdb）。",
        "en": "DuckDB file (default from config: abm.duckdb).",
    },
    "cli.interrupted": {
        "ja": "中断しました: 公開済みのデータベースはそのままです",
        "en": "interrupted: the published database was left as it was",
    },
    "cli.internal_error": {
        "ja": "（詳細は ABM_DEBUG=1 で表示。公開済みのデータベースはそのままです）",
        "en": "(set ABM_DEBUG=1 for details; the published database was left as it was)",
    },
    # -- abm run
    "cli.run": {
        "ja": "読み込み、名寄せ、購買力の順位付け、セグメントとティアを経て DuckDB ファイルを一括で公開する"
        "（前回の実行の結果でまだ有効なものは再利用: README「Incremental re-runs」）。",
        "en": "Load, link, rank, segment and tier; publish the DuckDB file atomically (a re-run reuses "
        'what the last published run computed and is still valid: README "Incremental re-runs").',
    },
    "cli.run.input": {
        "ja": "入力フォルダ（既定: sample_data/）。",
        "en": "Input folder (default sample_data/).",
    },
    "cli.run.as_of": {
        "ja": "基準日 YYYY-MM-DD（既定: 最新の売上日）。",
        "en": "Reference date YYYY-MM-DD (default: latest sale).",
    },
    "cli.run.full": {
        "ja": "すべて計算し直す（前回の実行のキャッシュ <db>.cache/ を使わない）。",
        "en": "Recompute everything; ignore the previous run's cache (<db>.cache/).",
    },
    # -- abm sample
    "cli.sample": {
        "ja": "シード付きの日本語のサンプル入力と、その正解データ（OUT/truth）を書き出す。",
        "en": "Write realistic, seeded Japanese sample inputs plus their ground truth (in OUT/truth).",
    },
    "cli.sample.out": {"ja": "書き出すフォルダ。", "en": "Folder to write."},
    "cli.sample.companies": {"ja": "マスターの企業数。", "en": "Master companies."},
    "cli.sample.customers": {"ja": "売上の取引先コードの数。", "en": "Customer codes in sales."},
    "cli.sample.contacts": {"ja": "コンタクトの数。", "en": "Contacts."},
    "cli.sample.sales_lines": {"ja": "売上明細の行数。", "en": "Sales lines."},
    "cli.sample.seed": {
        "ja": "乱数のシード（同じシードなら同じバイト列）。",
        "en": "Random seed (same seed, same bytes).",
    },
    "cli.sample.format": {
        "ja": "sample（parquet + CP932 の CSV + xlsx）、parquet または csv。",
        "en": "sample (parquet + CP932 CSV + xlsx), parquet or csv.",
    },
    # -- abm config
    "cli.config": {
        "ja": "実際に使われる設定（ファイル + 環境変数 + 既定値）を abm.toml に書ける TOML で表示する。"
        "API キーは伏せ字で、そのままは表示しない。",
        "en": "Print the effective configuration (file + environment + defaults) as TOML for abm.toml. "
        "Plain API keys are shown as a placeholder, never in clear.",
    },
    # -- abm report
    "cli.report": {
        "ja": "実行レポートを単体で開ける HTML に書き出す（グラフはインライン SVG、オフラインで開ける）。",
        "en": "Write the self-contained HTML run report (charts as inline SVG; opens offline).",
    },
    "cli.report.out": {
        "ja": "HTML の出力先（既定: DB ファイルの隣）。",
        "en": "HTML (default: beside the db).",
    },
    "cli.report.wrote": {"ja": "{path} を書き出しました", "en": "Wrote {path}"},
    # -- abm export
    "cli.export": {
        "ja": "Salesforce / HubSpot の取引先インポートが求める列でアカウントを書き出す。",
        "en": "Write accounts with the columns a Salesforce / HubSpot account import expects.",
    },
    "cli.export.out": {
        "ja": "targets.csv（BOM 付き UTF-8）または .xlsx。",
        "en": "targets.csv (UTF-8 with BOM) or .xlsx.",
    },
    "cli.export.tier": {
        "ja": "このティアだけ（繰り返し指定できる）。",
        "en": "Only these tiers (repeatable).",
    },
    "cli.export.crm": {
        "ja": "列名をどの CRM に合わせるか: salesforce または hubspot。",
        "en": "Header names for: salesforce or hubspot.",
    },
    "cli.export.kind": {
        "ja": "targets（ティアのついたアカウント）または assignments（担当者のいるすべてのアカウント）。",
        "en": "targets (tiered accounts) or assignments (every account with an owner).",
    },
    "cli.export.changed_since": {
        "ja": "この実行 ID（'last' なら最新の一つ前の実行）から担当者・ティア・セグメントが変わった"
        "アカウントだけを、前の値と理由つきで。",
        "en": "Only accounts whose owner, tier or segment changed since this run id, or 'last' "
        "(the run before the latest), with the old values and the reason.",
    },
    "cli.export.wrote.changed": {
        "ja": "変わったアカウント {n:,} 件を {path} に書き出しました（{crm} の列名）。",
        "en": "Wrote {n:,} changed accounts to {path} ({crm} headers).",
    },
    "cli.export.wrote.targets": {
        "ja": "ターゲットアカウント {n:,} 件を {path} に書き出しました（{crm} の列名）。",
        "en": "Wrote {n:,} target accounts to {path} ({crm} headers).",
    },
    "cli.export.wrote.assignments": {
        "ja": "担当者のいるアカウント {n:,} 件を {path} に書き出しました（{crm} の列名）。",
        "en": "Wrote {n:,} owned accounts to {path} ({crm} headers).",
    },
    # -- abm review
    "cli.review": {
        "ja": "名寄せの境界にあるペアを人が確認する。",
        "en": "Human review of borderline 名寄せ pairs.",
    },
    "cli.review.export": {
        "ja": "確認待ちのペアをファイルに書き出す。`decision`（link / not）を記入して取り込む。",
        "en": "Write the review queue to a file; fill in `decision` (link / not) and import it back.",
    },
    "cli.review.export.out": {"ja": "書き出す CSV または XLSX。", "en": "CSV or XLSX to write."},
    "cli.review.exported": {
        "ja": "確認するペア {n:,} 件を {path} に書き出しました。`decision` 列に記入し"
        "（link = 同じ会社、not = 別の会社）、`abm review import` を実行してください。",
        "en": "Wrote {n:,} pairs to review to {path}. Fill the `decision` column "
        "(link = same company, not = different), then run `abm review import`.",
    },
    "cli.review.import": {
        "ja": "確認した判断を記録する（公開済みのファイルと照合）。次の実行から適用される。",
        "en": "Record reviewed decisions (checked against the published file); later runs apply them.",
    },
    "cli.review.import.file": {"ja": "記入した CSV または XLSX。", "en": "The edited CSV or XLSX."},
    "cli.review.import.by": {
        "ja": "判断した人（各判断と一緒に残る）。",
        "en": "Who decided (kept with each decision).",
    },
    "cli.review.imported": {
        "ja": "{decisions} に同一 {link:,} 件、別会社 {not_:,} 件を記録しました"
        "（未記入 {blank:,} 行）。次の `abm run` から適用されます。",
        "en": "Recorded {link:,} links and {not_:,} non-matches in {decisions} "
        "({blank:,} rows left undecided). They apply from the next `abm run`.",
    },
    # -- abm serve
    "cli.serve": {
        "ja": "公開済みの DB を HTTP で提供する（API キーは設定の api.keys または ABM_API__KEYS）。",
        "en": "Serve the published database over HTTP (API keys from config api.keys or ABM_API__KEYS).",
    },
    "cli.serve.host": {
        "ja": "待ち受けるアドレス（既定: ループバックのみ）。",
        "en": "Address to bind (default loopback only).",
    },
    "cli.serve.port": {"ja": "TCP ポート。", "en": "TCP port."},
    "cli.serve.dev": {"ja": "API キーなし（読み取りのみ）。", "en": "No API keys needed (scope read only)."},
    "cli.serve.listening": {
        "ja": "abm serve: {db} を http://{host}:{port} で提供（OpenAPI は /docs）",
        "en": "abm serve: {db} on http://{host}:{port} (OpenAPI at /docs)",
    },
    # -- abm territories
    "cli.territories": {
        "ja": "最新の実行の、担当者ごとのバランスと前四半期からの変化。",
        "en": "Balance per rep and what changed since last quarter, for the latest run.",
    },
    "cli.territories.changes": {
        "ja": "一覧に出す、担当者が変わったアカウントの数。",
        "en": "How many changed accounts to list.",
    },
    "cli.territories.balance": {
        "ja": "テリトリーのバランス（{quarter}）",
        "en": "Territory balance ({quarter})",
    },
    # short headers, so the table fits an 80-column terminal (Japanese headers cannot break at spaces);
    # the words are the report's (column.buying_power_share, column.*_deviation), cut down
    "cli.territories.balance.columns": {
        "ja": "担当者|氏名|エリア|上限|アカウント|購買力|売上|購買力比率|購買力の偏差|件数の偏差",
        "en": "rep|name|area|cap.|accounts|buying power|revenue|bp share|dev. bp|dev. n",
    },
    "cli.territories.areas": {
        "ja": "エリアごと: 担当者間の変動係数と前四半期からの移動",
        "en": "Per area: coefficient of variation across reps, and moves since last quarter",
    },
    "cli.territories.areas.columns": {
        "ja": "エリア|担当者数|アカウント|購買力の変動係数|件数の変動係数|移動|再配分|未割当",
        "en": "area|reps|accounts|CV buying power|CV accounts|moved|rebalanced|unassigned",
    },
    "cli.territories.reasons": {
        "ja": "担当者が変わった理由: {reasons}（テーブル territory_changes）。",
        "en": "Owner changes by reason: {reasons} (table territory_changes).",
    },
    "cli.territories.no_reasons": {"ja": "なし", "en": "none"},
    "cli.territories.first": {"ja": "担当者が変わったアカウント（先頭 {n} 件）", "en": "First {n} changes"},
    "cli.territories.first.columns": {
        "ja": "アカウント|社名|テリトリー|変更前|変更後|理由",
        "en": "account|name|territory|from|to|reason",
    },
    # -- abm bench (the team's benchmark: its help here, its figures stay the README's English tables)
    "cli.bench": {
        "ja": "生成したデータで、指定した規模のパイプライン全体を実行し、"
        "ステップごとの時間・メモリ・精度を表示する。",
        "en": "Run the whole pipeline on generated data at a named scale; print time, memory and accuracy "
        "per step.",
    },
    "cli.bench.scale": {
        "ja": "sample, tiny, small (0.5M), medium (1M), large (2M), national (5M), "
        "xl (national + 売上明細 5,000 万行 + 行動履歴 1 億行)。既定: tiny。",
        "en": "sample, tiny, small (0.5M), medium (1M), large (2M), national (5M), "
        "xl (national + 50M sales lines + 100M activity rows). Default: tiny.",
    },
    "cli.bench.cache": {
        "ja": "生成データとベンチマーク用 DB を置くフォルダ。",
        "en": "Where generated data and the bench database are kept.",
    },
    "cli.bench.seed": {"ja": "生成のシード。", "en": "Generator seed."},
    "cli.bench.incremental": {
        "ja": "翌月の入力（売上 1 か月分 + コンタクト 1% 追加）での再実行を、全件実行と比べて計る。",
        "en": "Time a re-run on next month's inputs (+1 month of sales, +1% contacts) against a full run.",
    },
    "cli.bench.splink": {
        "ja": "同じレコードを abm と Splink（任意の 'bench' extra）でも名寄せし、それぞれ別プロセスで"
        "時間・ピークメモリ・適合率 / 再現率 / F1 を並べる。",
        "en": "Also link the scale's records with abm and with Splink (the optional 'bench' extra), "
        "each in its own process: time, peak memory, precision / recall / F1 side by side.",
    },
    "cli.bench.activities": {
        "ja": "データセットの行動履歴ファイルを使う。--no-activities は同じ入力をそれなしで実行し、"
        "差が行動履歴の分になる。",
        "en": "Run with the data set's activities file; --no-activities runs the same inputs "
        "without it, so the difference is what the activity rows add.",
    },
    "cli.bench.curve": {
        "ja": "一回の実行の代わりに、カンマ区切りの各規模（例 small,medium）でパイプライン全体を別プロセスで"
        "実行し、合計・ステップごと・ピーク RSS を一つの表にする。",
        "en": "Instead of one run, the whole pipeline at each of these comma-separated scales "
        "(e.g. small,medium), each in its own process: one table of total, per-step and peak RSS.",
    },
}
