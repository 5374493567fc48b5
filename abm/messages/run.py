"""What a run says while it works (``abm run``, ``abm bench``): each step's line and description, the
progress lines under it and the closing summary, keyed ``step.<step>`` and ``run.*``. Part of the one
message catalogue (abm.messages), in its own file like the workspace's words. Step names, table and
column names, status codes and file names stay as they are; numbers keep their ASCII layout so the
columns of the step lines line up in both languages."""

from __future__ import annotations

RUN: dict[str, dict[str, str]] = {
    # -- each step's one-line description (pipelines.steps; README's step table is the English one)
    "step.load": {
        "ja": "入力の読み込みと検証 → companies, sales, contacts, rejects",
        "en": "read and validate inputs → companies, sales, contacts, rejects",
    },
    "step.link": {
        "ja": "名寄せ: 売上の顧客、コンタクト、行動履歴の会社 → マスターの企業（または承継会社）、"
        "要確認、なければマスター外のグループ; 各レコードのアカウント",
        "en": "名寄せ: sales customers, contacts and activities' companies → master company (or its "
        "successor), review, else an off-master group; each record's account",
    },
    "step.accounts": {
        "ja": "マスターの企業ごと、照合できなかった会社ごとに 1 アカウント",
        "en": "one account per master company or unmatched source company",
    },
    "step.attribute": {
        "ja": "行動履歴の各行 → そのコンタクト（ID、"
        "なければメール）とアカウント、または名寄せした会社のアカウント",
        "en": "each activity row → its contact (id, else email) "
        "and account, or its company's account via 名寄せ",
    },
    "step.pareto": {
        "ja": "集計期間の自社売上 → パレート、デシル、ABC 分類",
        "en": "own revenue in the window → pareto, deciles, ABC classes",
    },
    "step.buying_power": {
        "ja": "マスター全体の購買力スコアとデシル",
        "en": "buying-power score and decile over the master",
    },
    "step.flags": {
        "ja": "アカウントごとの三つの輪: 取引 (S)、購買力 (B)、接点のあるコンタクト (C)",
        "en": "the three circle facts per account: sales (S), buying power (B), reachable contacts (C)",
    },
    "step.coverage": {
        "ja": "コンタクトごとの購買関与者の役割（役職・部署のルール）、"
        "アカウントごとに接点のある役割と欠けている役割",
        "en": "buying-committee role per contact (title, department "
        "rules); roles reached and missing per account",
    },
    "step.engagement": {
        "ja": "コンタクト・アカウントごとのエンゲージメント: ポイント、減衰、ゼロ化、デシル、レベル、急上昇",
        "en": "engagement score per contact and account: points, decay, zeroing, decile, level, surging",
    },
    "step.carry_over": {
        "ja": "前回のファイルから実行履歴、アカウント履歴、テリトリーの数値を引き継ぐ",
        "en": "runs, account history, territory figures from the previous file",
    },
    "step.decide": {
        "ja": "アカウントごとのセグメント、ティア、優先度、次のアクション、テリトリー、担当者を一度に決める",
        "en": "segment, tier, priority, next action, territory and owner per account, in one pass",
    },
    "step.assemble": {"ja": "accounts と segments のテーブル", "en": "accounts and segments tables"},
    "step.sales_quarters": {
        "ja": "アカウント・四半期ごとの自社純売上（runs.quarter と同じ表記）",
        "en": "own net sales per account and quarter, labelled like runs.quarter",
    },
    "step.history": {
        "ja": "今回の実行を account_history と engagement_history に追記",
        "en": "append this run to account_history and engagement_history",
    },
    "step.record_run": {
        "ja": "今回の実行を runs と run_steps に追記",
        "en": "append this run to runs and run_steps",
    },
    "step.contract": {
        "ja": "BI 用のビューと、すべてのテーブル・ビュー・列の説明",
        "en": "BI views and a description on every table, view and column",
    },
    "step.check": {
        "ja": "不変条件: 期間の売上 = アカウントの合計、明細とコンタクトはそれぞれ 1 アカウント・1 役割、"
        "紐付いた行動履歴のアカウントが存在する",
        "en": "invariants: window revenue = Σ accounts, every line and contact in one account with one role, "
        "every attributed activity's account exists",
    },
    # -- the runner's line per step (pipelines.runner)
    "run.step": {
        "ja": "{step:<13} {rows:>12,} 行  {seconds:7.2f}秒  {mib:7,.0f} MiB  {what}",
        "en": "{step:<13} {rows:>12,} rows  {seconds:7.2f}s  {mib:7,.0f} MiB  {what}",
    },
    # -- load
    "run.load.file": {
        "ja": "{file}: {landed:,} 行を取り込み、{rejected:,} 行を除外、"
        "任意項目の不正な値 {nulled:,} 件は空欄 ({encoding})",
        "en": "{file}: {landed:,} rows loaded, {rejected:,} "
        "rejected, {nulled:,} bad optional values left empty "
        "({encoding})",
    },
    "run.load.reused_file": {
        "ja": "{file}: 前回の取り込み結果と除外行を再利用（変更なし、sha256 {digest}）",
        "en": "{file}: reused landed rows and rejects (unchanged, sha256 {digest})",
    },
    "run.load.reused_chunks": {
        "ja": "{file}: 検証済みのチャンク {chunks:,} 個のうち {reused:,} 個を再利用（変更なし）",
        "en": "{file}: reused {reused:,} of {chunks:,} validated chunks (unchanged)",
    },
    "run.load.history": {
        "ja": "{file}: 履歴の行 {rows:,} 行（最新履歴 = 0）を former_names にまとめました",
        "en": "{file}: {rows:,} history rows (最新履歴 = 0) folded into former_names",
    },
    "run.load.enrich_unmatched": {
        "ja": "companies_enrich: {rows:,} "
        "行はマスターのどの法人番号とも一致しません（companies_enrich に保持）",
        "en": "companies_enrich: {rows:,} rows match no master 法人番号 (kept in companies_enrich)",
    },
    "run.load.window": {
        "ja": "基準日 {as_of} ({quarter})、売上の集計期間 {start} … {end}",
        "en": "as-of {as_of} ({quarter}), sales window {start} … {end}",
    },
    # -- link (pipelines.link, pipelines.link_cache, abm.matching.linking)
    "run.link.reused_index": {
        "ja": "名寄せのマスター索引とモデルを再利用（マスターと照合の設定に変更なし）",
        "en": "reused 名寄せ master index and model (unchanged master and match settings)",
    },
    "run.link.reused": {
        "ja": "{source}: 照合結果 {reused:,} 件を再利用（変更なし）、新規・変更の {todo:,} 件を照合",
        "en": "{source}: reused {reused:,} links (unchanged), {todo:,} new or changed to link",
    },
    "run.link.exact": {
        "ja": "{source}: {exact:,} 件を法人番号・ドメイン・社名だけで決定 "
        "({seconds:.1f}秒)、{rest:,} 件を名寄せへ",
        "en": "{source}: {exact:,} decided by a 法人番号, domain "
        "or name alone ({seconds:.1f}s), {rest:,} to 名寄せ",
    },
    "run.link.master_ready": {
        "ja": "{source}: マスターの準備完了（{companies:,} 社）",
        "en": "{source}: master ready ({companies:,} companies)",
    },
    "run.link.queries": {
        "ja": "{source}: {records:,} 件、照合キー {queries:,} 通り",
        "en": "{source}: {records:,} records, {queries:,} distinct queries",
    },
    "run.link.batch": {
        "ja": "{source}: 照合キー {done:,}/{queries:,}、候補ペア {pairs:,}",
        "en": "{source}: {done:,}/{queries:,} queries, {pairs:,} candidate pairs",
    },
    "run.link.summary": {
        "ja": "{source}: {records:,} 件 → {statuses}{seconds}",
        "en": "{source}: {records:,} records → {statuses}{seconds}",
    },
    "run.link.stale": {
        "ja": "警告: {source} {record} への判断は適用せず、改めて照合しました: {why}",
        "en": "warning: decision on {source} {record} not applied, linked afresh: {why}",
    },
    "run.link.stale_more": {
        "ja": "警告: ほかに {count:,} 件の判断を適用していません（match_review を参照）",
        "en": "warning: {count:,} more decisions not applied (see match_review)",
    },
    # -- attribute, pareto, buying power, engagement
    "run.attribute": {
        "ja": "行動履歴: {total:,} 行、{how}、紐付け先なし {unattributed:,} 行",
        "en": "activities: {total:,} rows; {how}; {unattributed:,} not attributed",
    },
    "run.attribute.by": {"ja": "{how} で {rows:,}", "en": "by {how} {rows:,}"},
    "run.attribute.none": {"ja": "紐付けなし", "en": "none attributed"},
    "run.pareto": {
        "ja": "顧客 {customers:,} 社、上位 20% が売上の {share:.1%} を占める (ジニ係数 {gini:.2f})",
        "en": "{customers:,} customers; top 20% hold {share:.1%} of revenue (Gini {gini:.2f})",
    },
    "run.lookalike.trained": {
        "ja": "lookalike: 正例 {positives:,} 社、比較用にマスターから {sampled:,} 社; "
        "CV AUC {auc:.3f} ± {sd:.3f}（{folds} 分割{sample}）",
        "en": "lookalike: {positives:,} positives vs {sampled:,} sampled master companies; "
        "CV AUC {auc:.3f} ± {sd:.3f} ({folds} folds{sample})",
    },
    "run.lookalike.sample": {
        "ja": "、{rows:,} 行のうち {used:,} 行で",
        "en": " on {used:,} of {rows:,} rows",
    },
    "run.lookalike.dropped": {
        "ja": "lookalike: 使わなかった特徴量: {dropped}",
        "en": "lookalike: features dropped: {dropped}",
    },
    "run.lookalike.reused": {
        "ja": "lookalike: 学習済みモデルのスコアを再利用（学習データとマスターに変更なし）",
        "en": "lookalike: reused the trained model's scores (unchanged training set and master)",
    },
    "run.bp.lookalike": {
        "ja": "手法: 類似企業モデル (lookalike)、効いている特徴量 {features}",
        "en": "method: lookalike model; top features {features}",
    },
    "run.bp.rule": {
        "ja": "手法: {over} による透明なルール ({why})",
        "en": "method: transparent rule over {over} ({why})",
    },
    "run.bp.weights_dropped": {
        "ja": "使わなかったルールの重み: {dropped}",
        "en": "rule weights dropped: {dropped}",
    },
    "run.bp.uninformative": {
        "ja": "全社同じスコアのため、購買力の輪は空です",
        "en": "every company has the same score, so nobody is placed in the B circle",
    },
    "run.bp.circle": {
        "ja": "購買力の輪 (B) = デシル {decile} 以下: {companies:,"
        "} 社、うち未取引 {whitespace:,} 社（ホワイトスペース）",
        "en": "B circle = decile ≤ {decile}: {companies:,} "
        "companies, {whitespace:,} of them not yet customers "
        "(whitespace)",
    },
    "run.engagement": {
        "ja": "エンゲージメント: アカウント {accounts:,}、コンタクト {contacts:,}、急上昇 {surging:,}",
        "en": "engagement: {accounts:,} accounts, {contacts:,} contacts, {surging:,} surging",
    },
    # -- territories
    "run.territories.owned": {
        "ja": "テリトリー: アカウント {owned:,} 件を担当者 {reps} "
        "人に割り当て、{since} から {moved:,} 件が移動",
        "en": "territories: {owned:,} accounts to {reps} reps; {moved:,} moved since {since}",
    },
    "run.territories.no_previous": {"ja": "前四半期なし", "en": "no previous quarter"},
    "run.territories.outside": {
        "ja": "テリトリー: {area} {rep} が ±{tolerance:.0%} の範囲外（購買力 {buying_power}、アカウント数 "
        "{accounts}）: {note}",
        "en": "territories: {area} {rep} outside ±{tolerance:.0%} (buying power {buying_power}, accounts "
        "{accounts}): {note}",
    },
    "run.territories.rejected": {
        "ja": "{source}: テリトリーの検証で {rows:,} 行を除外（rejects テーブルを参照）",
        "en": "{source}: {rows:,} rows rejected by territory checks (see table rejects)",
    },
    # -- the published file, the run cache, the report
    "run.file.moved_aside": {
        "ja": "警告: {db} は読めない DuckDB ファイルです ({detail})。{aside} に退避しました。"
        "履歴（runs、account_history、テリトリーの数値）はこの実行から始まります",
        "en": "warning: {db} is not a readable DuckDB database ({detail}); moved aside to {aside}. "
        "History (runs, account_history, territory figures) starts afresh with this run",
    },
    "run.file.stale_removed": {
        "ja": "中断された実行の残りのファイル {count} 個を削除しました: {files}",
        "en": "removed {count} leftover file(s) of interrupted runs: {files}",
    },
    "run.cache.manifest_unreadable": {
        "ja": "警告: 実行キャッシュ: {path} が読めません ({why})。キャッシュを使わずにすべて計算します",
        "en": "warning: run cache: {path} is unreadable ({why}); full run",
    },
    "run.cache.entry_missing": {
        "ja": "警告: 実行キャッシュ: {entry} が見つかりません ({path})。計算し直します",
        "en": "warning: run cache: entry {entry} is missing ({path}); computing it again",
    },
    "run.cache.entry_unreadable": {
        "ja": "警告: 実行キャッシュ: {entry} が読めません ({why})。計算し直します",
        "en": "warning: run cache: entry {entry} is unreadable ({why}); computing it again",
    },
    "run.cache.chunk_unreadable": {
        "ja": "警告: 実行キャッシュ: チャンク {chunk} が読めません ({why})。検証し直します",
        "en": "warning: run cache: chunk {chunk} is unreadable ({why}); validating it again",
    },
    "run.cache.entry_not_written": {
        "ja": "警告: 実行キャッシュ: {entry} を書けませんでした ({why})。次回の実行で計算し直します",
        "en": "warning: run cache: entry {entry} not written ({why}); the next run recomputes it",
    },
    "run.cache.not_written": {
        "ja": "警告: 実行キャッシュを書けませんでした ({why})。次回の実行は再利用せずに計算します",
        "en": "warning: run cache not written ({why}); the next run recomputes what it would reuse",
    },
    "run.report.done": {
        "ja": "{label:<13} {seconds:7.2f}秒  {path}（単体で開ける HTML）",
        "en": "{label:<13} {seconds:7.2f}s  {path} (self-contained HTML)",
    },
    "run.report.failed": {
        "ja": "レポート: 書けませんでした ({why})。`abm report` でもう一度作れます",
        "en": "report: not written ({why}); retry with `abm report`",
    },
    # -- abm run's closing summary (abm.cli.run)
    "run.summary.segments": {"ja": "セグメント ({quarter})", "en": "Segments ({quarter})"},
    "run.summary.tier": {"ja": "ティア {tier}: {accounts:,}", "en": "Tier {tier}: {accounts:,}"},
    "run.summary.no_tiers": {"ja": "ティアのついたアカウントなし", "en": "no tiered accounts"},
    "run.summary.rows": {
        "ja": "{tiers}。除外した入力行: {rejected:,}、"
        "空欄にした任意項目の不正な値: {nulled:,}（rejects テーブルを参照）。",
        "en": "{tiers}. Rejected input rows: {rejected:,}; bad optional values left empty: {nulled:,} "
        "(see table rejects).",
    },
    "run.summary.published": {
        "ja": "{db} を公開しました（実行 {run_id}、{seconds:.1f}秒）",
        "en": "Published {db} (run {run_id}) in {seconds:.1f}s",
    },
}
