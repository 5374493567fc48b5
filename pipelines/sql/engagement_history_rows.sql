-- This run's rows of `engagement_history` (appended by the history step, carried across runs):
-- accounts scoring above 0 only, so quarters of a national file stay small.
SELECT $run_id AS run_id, $quarter AS quarter, $as_of AS as_of, account_id, engagement_score,
       engagement_level, surging
FROM account_engagement
WHERE engagement_score > 0
