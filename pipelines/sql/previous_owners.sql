-- Each account's owner, tier and territory in last quarter's run ($previous_run_id).
SELECT account_id, name, owner, tier, territory FROM account_history WHERE run_id = $previous_run_id
