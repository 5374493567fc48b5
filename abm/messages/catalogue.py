"""The words themselves: key → {"ja": ..., "en": ...}, both languages side by side so a missing or
drifting translation shows in review (tests/test_messages.py checks every key has both, with the same
``{fields}``). Keys are grouped by prefix: ``approach.<segment>``, ``tier.*``, ``why.*``,
``column.<column>`` (headers people read), ``reason.<code>`` (territory change reasons),
``report.*``, ``web.*`` (the workspace, abm/messages/workspace.py).
"""

from __future__ import annotations

from abm.messages.cli import CLI
from abm.messages.errors import ERRORS
from abm.messages.run import RUN
from abm.messages.workspace import WORKSPACE

MESSAGES: dict[str, dict[str, str]] = {
    # -- the approach playbook (domain.md), per segment code; circles.playbook in config overrides it
    "approach.S+B+C": {
        "ja": "1:1 ABM: アカウントプラン、フィールドセールス、アップセル / クロスセル",
        "en": "1:1 ABM: account plan, field sales, upsell / cross-sell",
    },
    "approach.S+B": {
        "ja": "フィールドセールス / アカウントマネージャーが接点をつくる（イベント、紹介）",
        "en": "Field sales / account manager builds contacts (events, introductions)",
    },
    "approach.B+C": {
        "ja": "インサイドセールス + ターゲットを絞ったナーチャリングで商談化（新規開拓）",
        "en": "Inside sales + targeted nurture to open a deal (new business)",
    },
    "approach.B": {
        "ja": "コンタクト獲得のアウトバウンド: ターゲット広告、DM、テレマーケティング、イベント",
        "en": "Outbound to acquire contacts: targeted ads, DM, telemarketing, events",
    },
    "approach.S+C": {
        "ja": "ロータッチで維持: メール / MA、インサイドセールス",
        "en": "Low-touch retention: email / MA, inside sales",
    },
    "approach.S": {
        "ja": "ロータッチ、インサイドセールスで関係を維持",
        "en": "Low-touch, keep via inside sales",
    },
    "approach.C": {
        "ja": "MA ナーチャリング（1:many）、シグナルを見守る",
        "en": "MA nurture (1:many), watch for signals",
    },
    "approach.none": {"ja": "対象外", "en": "Not targeted"},
    # -- next actions (abm/targeting/actions.py): what approach says, and why tier_reason gives
    "action.do.inside_sales_now": {
        "ja": "インサイドセールスで即時アプローチ",
        "en": "Inside sales: approach now",
    },
    "action.do.follow_up_offline": {
        "ja": "Web以外で至急フォロー (テレセールス・訪問)",
        "en": "Follow up now off the web (telesales, visits)",
    },
    "action.do.reach_decision_maker": {
        "ja": "決裁者との接点づくり",
        "en": "Build a contact with the decision maker",
    },
    "action.level.high": {"ja": "多い", "en": "high"},
    "action.level.mid": {"ja": "中程度", "en": "moderate"},
    "action.level.low": {"ja": "少ない", "en": "low"},
    "action.level.none": {"ja": "ない", "en": "absent"},
    "action.why.inside_sales_now": {
        "ja": "ホワイトスペース（{segment}）で直近のWeb行動がそれ以前を大きく上回る急上昇"
        "（エンゲージメント {score}）",
        "en": "whitespace ({segment}) whose recent web activity is well above its own previous level "
        "(engagement {score})",
    },
    "action.why.follow_up_offline": {
        "ja": "ティア{tier}の対象なのにWeb行動が{level}（エンゲージメント {score}）",
        "en": "a Tier {tier} target whose web activity is {level} (engagement {score})",
    },
    "action.why.reach_decision_maker": {
        "ja": "ターゲットなのに決裁者（経営層）のオプトイン済みコンタクトがいない",
        "en": "a target without an opted-in decision-maker contact",
    },
    "action.reason": {"ja": "次のアクション「{action}」: {why}", "en": 'Next action "{action}": {why}'},
    "action.separator": {"ja": "。", "en": ". "},
    # -- buying-committee roles (abm/engagement/roles.py), per role code
    "role.decision_maker": {"ja": "決裁者", "en": "Decision maker"},
    "role.champion": {"ja": "推進者", "en": "Champion"},
    "role.technical": {"ja": "技術評価者", "en": "Technical evaluator"},
    "role.finance": {"ja": "財務", "en": "Finance"},
    "role.user": {"ja": "利用者", "en": "User"},
    # -- engagement (abm/engagement): activity types, levels and zeroing reasons, by code
    "activity.download": {"ja": "資料DL", "en": "Download"},
    "activity.webinar": {"ja": "ウェビナー参加", "en": "Webinar"},
    "activity.inquiry": {"ja": "問い合わせ", "en": "Inquiry"},
    "activity.form": {"ja": "フォーム送信", "en": "Form"},
    "activity.email_open": {"ja": "メール開封", "en": "Email open"},
    "activity.email_click": {"ja": "メールクリック", "en": "Email click"},
    "activity.page_view": {"ja": "ページ閲覧", "en": "Page view"},
    "activity.event": {"ja": "イベント・展示会", "en": "Event"},
    "activity.meeting": {"ja": "商談・面談", "en": "Meeting"},
    "activity.other": {"ja": "その他", "en": "Other"},
    "engagement_level.high": {"ja": "高", "en": "High"},
    "engagement_level.mid": {"ja": "中", "en": "Mid"},
    "engagement_level.low": {"ja": "低", "en": "Low"},
    "engagement_level.none": {"ja": "なし", "en": "None"},
    "zeroed.opted_out": {"ja": "配信停止・未許諾", "en": "Opted out / no consent"},
    "zeroed.competitor": {"ja": "競合", "en": "Competitor"},
    "zeroed.student": {"ja": "学生", "en": "Student"},
    # -- tier_reason (abm/targeting/tiers.py)
    "tier.name.1": {"ja": "1:1 アカウントプラン", "en": "1:1 account plan"},
    "tier.name.2": {"ja": "1:few", "en": "1:few"},
    "tier.name.3": {"ja": "1:many", "en": "1:many"},
    "tier.capacity": {"ja": "（{capacity} 枠中）", "en": " of {capacity} places"},
    "tier.no_score": {"ja": "なし", "en": "n/a"},
    "tier.reason": {
        "ja": "ティア{tier}（{name}）: {segment} のアカウント、優先順位 {position} 位{capacity}、"
        "購買力 {score}、自社売上 ¥{sales}",
        "en": "Tier {tier} ({name}): {segment} account, #{position} by priority{capacity} "
        "(buying power {score}, own revenue ¥{sales})",
    },
    # -- why, per account (abm/ranking/why.py): one trait, then the traits joined
    "why.trait": {
        "ja": "{trait}: 上位顧客に {lift} 倍多い",
        "en": "{trait}: {lift}× as common among top customers",
    },
    "why.trait_short": {"ja": "{trait}: {lift} 倍", "en": "{trait}: {lift}×"},
    "why.separator": {"ja": " / ", "en": "; "},
    "why.attribute.industry": {"ja": "業種 {value}", "en": "Industry {value}"},
    "why.attribute.employees": {"ja": "従業員 {value}", "en": "Employees {value}"},
    "why.attribute.revenue": {"ja": "売上高 {value}", "en": "Revenue {value}"},
    "why.attribute.capital": {"ja": "資本金 {value}", "en": "Capital {value}"},
    "why.attribute.area": {"ja": "地域 {value}", "en": "Area {value}"},
    "why.attribute.age": {"ja": "{value}", "en": "Age {value}"},
    "why.attribute.listed": {"ja": "{value}", "en": "Listing {value}"},
    "why.attribute.name_word": {"ja": "社名に「{value}」", "en": "Name word 「{value}」"},
    "why.attribute.legal_form": {"ja": "法人格 {value}", "en": "Legal form {value}"},
    # -- column headers people read (report tables, CRM custom fields, workspace); codes stay in SQL
    "column.account_id": {"ja": "アカウントID", "en": "Account ID"},
    "column.corporate_number": {"ja": "法人番号", "en": "Corporate number"},
    "column.name": {"ja": "社名", "en": "Company name"},
    "column.prefecture": {"ja": "都道府県", "en": "Prefecture"},
    "column.industry_name": {"ja": "業種", "en": "Industry"},
    "column.tier": {"ja": "ティア", "en": "Tier"},
    "column.tier_reason": {"ja": "ティアの理由", "en": "Tier reason"},
    "column.segment": {"ja": "セグメント", "en": "Segment"},
    "column.approach": {"ja": "アプローチ", "en": "Approach"},
    "column.buying_power_score": {"ja": "購買力スコア", "en": "Buying power score"},
    "column.why": {"ja": "購買力の理由", "en": "Why (buying power)"},
    "column.territory": {"ja": "テリトリー", "en": "Territory"},
    "column.owner": {"ja": "担当者コード", "en": "Rep code"},
    "column.owner_name": {"ja": "担当者名", "en": "Rep name"},
    "column.owner_email": {"ja": "担当者メール", "en": "Rep email"},
    "column.changed": {"ja": "変更項目", "en": "Changed"},
    "column.previous_owner": {"ja": "前回の担当者コード", "en": "Previous rep code"},
    "column.previous_owner_name": {"ja": "前回の担当者名", "en": "Previous rep name"},
    "column.previous_tier": {"ja": "前回のティア", "en": "Previous tier"},
    "column.previous_segment": {"ja": "前回のセグメント", "en": "Previous segment"},
    "column.change_reason": {"ja": "変更理由", "en": "Change reason"},
    "column.compared_run_id": {"ja": "比較した実行ID", "en": "Compared run ID"},
    "column.from_owner": {"ja": "前担当（コード）", "en": "From rep (code)"},
    "column.to_owner": {"ja": "新担当（コード）", "en": "To rep (code)"},
    "column.reason": {"ja": "理由", "en": "Reason"},
    "column.code": {"ja": "コード", "en": "Code"},
    "column.input": {"ja": "入力", "en": "Input"},
    "column.file": {"ja": "ファイル", "en": "File"},
    "column.format": {"ja": "形式", "en": "Format"},
    "column.read": {"ja": "読込行", "en": "Read"},
    "column.loaded": {"ja": "取込行", "en": "Loaded"},
    "column.rejected": {"ja": "除外行", "en": "Rejected"},
    "column.abc_class": {"ja": "ABC区分", "en": "ABC class"},
    "column.customers": {"ja": "顧客数", "en": "Customers"},
    "column.revenue": {"ja": "売上", "en": "Revenue"},
    "column.share": {"ja": "シェア", "en": "Share"},
    "column.up_to": {"ja": "顧客累積シェア", "en": "Up to (customers)"},
    "column.decile": {"ja": "デシル", "en": "Decile"},
    "column.accounts": {"ja": "アカウント数", "en": "Accounts"},
    "column.engaged": {"ja": "エンゲージメントあり", "en": "Engaged"},
    "column.high": {"ja": "高", "en": "High"},
    "column.mid": {"ja": "中", "en": "Mid"},
    "column.low": {"ja": "低", "en": "Low"},
    "column.surging": {"ja": "急上昇", "en": "Surging"},
    "column.engagement_score": {"ja": "エンゲージメント", "en": "Engagement"},
    "column.next_action": {"ja": "次のアクション", "en": "Next action"},
    "column.untiered": {"ja": "ティアなし", "en": "Untiered"},
    "column.with_contacts": {"ja": "コンタクトあり", "en": "With contacts"},
    "column.missing_decision_maker": {"ja": "決裁者なし", "en": "No decision maker"},
    "column.missing_champion": {"ja": "推進者なし", "en": "No champion"},
    "column.missing_technical": {"ja": "技術評価者なし", "en": "No technical evaluator"},
    "column.missing_finance": {"ja": "財務なし", "en": "No finance"},
    "column.missing_user": {"ja": "利用者なし", "en": "No user"},
    "column.min_revenue": {"ja": "最小売上", "en": "Min revenue"},
    "column.max_revenue": {"ja": "最大売上", "en": "Max revenue"},
    "column.cumulative_share": {"ja": "累積シェア", "en": "Cumulative share"},
    "column.contacts": {"ja": "コンタクト数", "en": "Contacts"},
    "column.whitespace": {"ja": "ホワイトスペース", "en": "Whitespace"},
    "column.account_share": {"ja": "アカウント比率", "en": "Account share"},
    "column.revenue_share": {"ja": "売上比率", "en": "Revenue share"},
    "column.tier1": {"ja": "ティア1", "en": "Tier 1"},
    "column.tier2": {"ja": "ティア2", "en": "Tier 2"},
    "column.tier3": {"ja": "ティア3", "en": "Tier 3"},
    "column.targets": {"ja": "ターゲット計", "en": "Targets"},
    "column.buying_power": {"ja": "購買力（合計）", "en": "Buying power (sum)"},
    "column.capacity": {"ja": "キャパシティ", "en": "Capacity"},
    "column.accounts_share": {"ja": "アカウント比率", "en": "Accounts share"},
    "column.buying_power_share": {"ja": "購買力比率", "en": "Buying power share"},
    "column.accounts_deviation": {"ja": "アカウント数の偏差", "en": "Accounts deviation"},
    "column.buying_power_deviation": {"ja": "購買力の偏差", "en": "Buying power deviation"},
    "column.revenue_deviation": {"ja": "売上の偏差", "en": "Revenue deviation"},
    "column.within_tolerance": {"ja": "許容範囲内", "en": "Within tolerance"},
    "column.source": {"ja": "ソース", "en": "Source"},
    "column.auto": {"ja": "自動", "en": "Auto"},
    "column.manual": {"ja": "手動", "en": "Manual"},
    "column.review": {"ja": "レビュー待ち", "en": "Review"},
    "column.unmatched": {"ja": "未一致", "en": "Unmatched"},
    "column.total": {"ja": "合計", "en": "Total"},
    "column.linked_share": {"ja": "紐付け率", "en": "Linked share"},
    "column.source_file": {"ja": "入力ファイル", "en": "Source file"},
    "column.severity": {"ja": "重大度", "en": "Severity"},
    "column.rows": {"ja": "行数", "en": "Rows"},
    "column.problems": {"ja": "問題数", "en": "Problems"},
    "column.step": {"ja": "ステップ", "en": "Step"},
    "column.seconds": {"ja": "秒", "en": "Seconds"},
    "column.peak_rss_mb": {"ja": "最大メモリ (MB)", "en": "Peak RSS (MB)"},
    # -- territory change reasons (territory_changes.reason codes, as sales ops read them)
    "reason.new account": {"ja": "新規アカウント", "en": "New account"},
    "reason.rep left": {"ja": "担当者の退職・異動", "en": "Rep left"},
    "reason.rebalancing": {"ja": "負荷の平準化", "en": "Rebalancing"},
    "reason.pin": {"ja": "指名アカウントの固定", "en": "Pinned account"},
    "reason.tier change": {"ja": "ティア変更（対象内）", "en": "Tier change (still targeted)"},
    "reason.left target list": {"ja": "ターゲット対象外になった", "en": "Left the target list"},
    "reason.area change": {"ja": "エリア変更", "en": "Area change"},
    # -- the CRM export's change reasons (abm/published/export.py, --changed-since)
    "export.none": {"ja": "なし", "en": "none"},
    "export.owner_changed": {"ja": "担当変更", "en": "Owner change"},
    "export.owner_change": {"ja": "{reason} ({before} → {after})", "en": "{reason} ({before} → {after})"},
    "export.tier_change": {"ja": "ティア {before} → {after}", "en": "Tier {before} → {after}"},
    "export.segment_change": {"ja": "セグメント {before} → {after}", "en": "Segment {before} → {after}"},
    # -- the HTML run report (abm/report)
    "report.title": {"ja": "abm 実行レポート {quarter}", "en": "abm run report {quarter}"},
    "report.subtitle": {
        "ja": "売上 × 購買力 × コンタクトで選んだターゲットアカウント。集計値のみ。",
        "en": "Target accounts from sales × buying power × contacts. Aggregates only.",
    },
    "report.run.title": {"ja": "実行", "en": "Run"},
    "report.run.sub": {
        "ja": "実行 {run_id} · 売上集計期間 {window}",
        "en": "Run {run_id} · sales window {window}",
    },
    "report.run.inputs": {"ja": "入力ファイル", "en": "Inputs"},
    "report.kpi.as_of": {"ja": "基準日", "en": "as-of"},
    "report.kpi.quarter": {"ja": "四半期", "en": "quarter"},
    "report.kpi.customers": {"ja": "顧客数", "en": "customers"},
    "report.kpi.top20_share": {"ja": "上位20%の売上シェア", "en": "top 20% share"},
    "report.kpi.gini": {"ja": "ジニ係数", "en": "Gini"},
    "report.kpi.rows_loaded": {"ja": "取込行数", "en": "rows loaded"},
    "report.kpi.rows_rejected": {"ja": "除外行数", "en": "rows rejected"},
    "report.kpi.buying_power": {"ja": "購買力の算出方法", "en": "buying power"},
    "report.pareto.title": {"ja": "ABC / パレート分析", "en": "ABC / Pareto"},
    "report.pareto.note": {
        "ja": "顧客累積シェア = その区分の終わりまでの顧客の累積シェア。",
        "en": "Up to = cumulative share of customers at the end of the class.",
    },
    "report.pareto.a_line": {"ja": "売上の {share}", "en": "{share} of revenue"},
    "report.pareto.x_axis": {
        "ja": "顧客の累積シェア（売上の大きい順）",
        "en": "share of customers (largest first)",
    },
    "report.pareto.y_axis": {"ja": "売上の累積シェア", "en": "share of revenue"},
    "report.deciles.title": {"ja": "デシル分析", "en": "Deciles (デシル分析)"},
    "report.deciles.label": {"ja": "第{decile}デシル", "en": "decile {decile}"},
    "report.circles.title": {"ja": "三つの輪", "en": "Three circles (三つの輪)"},
    "report.circles.S": {"ja": "売上", "en": "Sales"},
    "report.circles.B": {"ja": "購買力", "en": "Buying power"},
    "report.circles.C": {"ja": "コンタクト", "en": "Contacts"},
    "report.circles.none": {"ja": "none（輪の外）", "en": "none (outside)"},
    "report.tiers.title": {"ja": "セグメント別ティア", "en": "Tiers by segment"},
    "report.tiers.total": {"ja": "合計", "en": "total"},
    "report.why.title": {"ja": "購買力の理由（上位顧客に多い特徴）", "en": "Why: what top customers share"},
    "report.why.none": {
        "ja": "上位顧客に目立って多い特徴はありません（上位顧客が少ないか、マスターに属性がありません）。",
        "en": "No trait stands out among top customers (too few of them, or a master without attributes).",
    },
    "report.why.note": {
        "ja": "各アカウントの「購買力の理由」（accounts.why）は、この表の特徴のうち当てはまる上位 3 つです。"
        "倍率 = 上位顧客での割合 ÷ マスター全体での割合（{min_lift} 倍以上、上位顧客 {min_support} 社以上）。"
        "全件は表 buying_power_traits。",
        "en": "Each account's why (accounts.why) is the top 3 of these traits that it has. "
        "Lift = share among top customers ÷ share in the master (≥ {min_lift} on ≥ {min_support} top "
        "customers). All of them: table buying_power_traits.",
    },
    "column.lift": {"ja": "倍率", "en": "Lift"},
    "column.support": {"ja": "上位顧客数", "en": "Top customers"},
    "column.master_companies": {"ja": "マスター社数", "en": "Master companies"},
    "report.engagement.title": {"ja": "セグメント別エンゲージメント", "en": "Engagement by segment"},
    "report.engagement.none": {
        "ja": "エンゲージメントのあるアカウントはありません"
        "（行動データ activities がないか、紐づきません）。",
        "en": "No account shows engagement (no activities input, or none attributed).",
    },
    "report.engagement.actions": {"ja": "次のアクション（ティア別）", "en": "Next actions by tier"},
    "report.engagement.note": {
        "ja": "エンゲージメント: 行動ポイントを経過日数で減衰させた合計。高・中・低はデシル、"
        "急上昇は直近の行動がそれ以前を大きく上回るもの。"
        "次のアクションは v_next_actions に担当者別の一覧があります。",
        "en": "Engagement: activity points decayed by age, summed. High / mid / low by decile; surging = "
        "recent activity well above the account's own earlier level. v_next_actions lists the actions per "
        "owner.",
    },
    "report.coverage.title": {"ja": "購買委員会のカバレッジ不足", "en": "Buying-committee coverage gaps"},
    "report.coverage.none": {"ja": "ティア付きのアカウントがありません。", "en": "No tiered account."},
    "report.coverage.note": {
        "ja": "ターゲット（ティア1〜3）のうち、"
        "オプトイン済みコンタクトがいない役割ごとのアカウント数。"
        "決裁者がいなければ次のアクションは「決裁者との接点づくり」です。",
        "en": "Targets (Tier 1–3) without a consented contact in each role. Without a decision maker the "
        "next action is to build a contact with one.",
    },
    "report.territories.title": {"ja": "テリトリーの負荷バランス", "en": "Territory balance"},
    "report.territories.empty": {"ja": "輪に入るアカウントがありません。", "en": "No accounts in a circle."},
    "report.territories.per_rep": {
        "ja": "担当者ごと（担当者ファイルあり）。",
        "en": "Per rep (reps file given).",
    },
    "report.territories.per_area": {
        "ja": "担当者ファイルなし: 輪に入るアカウントのテリトリー（エリア）ごとの負荷。",
        "en": "No reps file: load per territory (area) over accounts in a circle.",
    },
    "report.territories.bars": {"ja": "棒: 購買力スコアの合計。", "en": "Bars: summed buying-power score."},
    "report.changes.title": {"ja": "担当変更（前四半期比）", "en": "Owner changes (since last quarter)"},
    "report.changes.none": {
        "ja": "担当変更はありません（担当者ファイルなし、または初回の割り当て）。",
        "en": "No owner changes (no reps file, or the first assignment).",
    },
    "report.changes.note": {
        "ja": "最初の {first} 件（全 {total} 件は表 territory_changes）。"
        "「ターゲット対象外になった」はティアも顧客区分もなくなり担当が外れたアカウント、"
        "「ティア変更（対象内）」は対象のままティアが変わったアカウントです。",
        "en": "The first {first} changes (all {total} in table territory_changes). "
        "'Left the target list' = no tier and no customer segment any more, so the owner was removed; "
        "'Tier change (still targeted)' = still targeted, with another tier.",
    },
    "report.linking.title": {"ja": "名寄せの品質", "en": "名寄せ quality"},
    "report.linking.note": {
        "ja": "自動 = モデルが紐付け、手動 = 人の判断、レビュー待ち = match_review で待機中、"
        "未一致 = マスターに該当なし（独自のアカウントとして保持）。",
        "en": "auto = linked by the model, manual = human decision, review = waiting in match_review, "
        "unmatched = no master company (kept as its own account).",
    },
    "report.rejects.title": {"ja": "取り込めなかった入力行", "en": "Rejected input rows"},
    "report.rejects.none": {"ja": "除外された入力行はありません。", "en": "No input row was rejected."},
    "report.rejects.note": {
        "ja": "値はここに表示しません（個人情報の可能性があるため）: 表 rejects を参照してください。",
        "en": "Values are not shown here (they may be personal data): see table rejects.",
    },
    "report.timings.title": {"ja": "実行時間（{total}）", "en": "Run timings ({total})"},
}
MESSAGES.update(WORKSPACE)  # the workspace's labels (api.web), kept in their own file
MESSAGES.update(RUN)  # what a run says while it works (steps, progress, summary), kept in their own file
MESSAGES.update(CLI)  # what the `abm` command says itself (help, result lines), kept in its own file
MESSAGES.update(ERRORS)  # the one line a problem is told in (abm.errors), kept in its own file
