-- This run's rows of `account_history` (appended by the history step). With
-- run.history_segments_only, accounts in no circle are left out unless someone owns them (a pinned
-- account may be in no circle).
SELECT $run_id AS run_id, $as_of AS as_of, $quarter AS quarter, account_id, name, segment, tier,
       abc_class, buying_power_score, buying_power_decile, sales_amount, contact_count,
       territory, owner
FROM accounts
WHERE NOT $history_segments_only OR segment <> 'none' OR owner IS NOT NULL
