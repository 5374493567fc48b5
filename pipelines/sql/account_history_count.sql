-- Rows this run added to `account_history`.
SELECT count(*) FROM account_history WHERE run_id = $run_id
