-- Last quarter's run for territories: the latest earlier run labelled with another quarter that
-- recorded account history (re-running within a quarter compares with the previous quarter).
SELECT run_id, quarter
FROM runs
WHERE as_of < $as_of AND quarter IS DISTINCT FROM $quarter
  AND run_id IN (SELECT DISTINCT run_id FROM account_history)
ORDER BY as_of DESC, finished_at DESC, run_id DESC
LIMIT 1
