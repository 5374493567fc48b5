-- What the engagement score reads of `activities`: rows attributed to an account, dated on or before
-- as-of (a re-run with an earlier as-of does not see later behaviour).
SELECT contact_id, account_id, attributed_by, date, activity_type, CAST(points AS DOUBLE) AS points
FROM activities
WHERE account_id IS NOT NULL AND date <= $as_of
