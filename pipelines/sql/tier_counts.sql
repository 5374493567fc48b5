-- Accounts per tier, for the run's summary line.
SELECT tier, count(*) AS n FROM accounts WHERE tier IS NOT NULL GROUP BY tier
