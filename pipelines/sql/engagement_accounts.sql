-- Accounts with attributed activities and what the competitor rule matches on: the master's
-- corporate number (or an off-master account's) and its name.
SELECT account_id, corporate_number, name
FROM work.account_base
WHERE account_id IN (SELECT account_id FROM work.engagement_sums)
