-- Run invariants, checked on the finished file before it is published: one row per broken rule
-- (none when all hold). Nothing lost, nothing counted twice:
--   1. revenue in the window = Σ accounts.sales_amount (a line whose account has no row would vanish);
--   2. every loaded sales line and contact reaches exactly one account through matches.account_id
--      (rejected rows are in `rejects` and never landed; their count is checked in pipelines/checks.py);
--   3. every attributed activity row's account exists (unattributed rows are counted in runs, not here);
--   4. every loaded contact has exactly one buying-committee role (contact_roles).
WITH window_revenue AS (
    SELECT coalesce(sum(amount) FILTER (WHERE date BETWEEN $window_start AND $window_end), 0) AS revenue
    FROM sales
),
account_revenue AS (
    SELECT coalesce(sum(sales_amount), 0) AS revenue FROM accounts
),
-- per record: how many matches rows and how many account rows they lead to (both must be 1; a
-- duplicated account_id in accounts shows here as 2). Materialised: sales and contacts both read it.
record_accounts AS MATERIALIZED (
    SELECT m.source, m.source_key, count(*) AS matches, count(a.account_id) AS accounts
    FROM matches m
    LEFT JOIN accounts a USING (account_id)
    GROUP BY m.source, m.source_key
),
sales_by_code AS (
    SELECT customer_code, count(*) AS lines, sum(amount) AS amount FROM sales GROUP BY customer_code
),
sales_reach AS (
    SELECT sum(s.lines) AS lines, sum(s.amount) AS amount, min(s.customer_code) AS example
    FROM sales_by_code s
    LEFT JOIN record_accounts r ON r.source = 'sales' AND r.source_key = s.customer_code
    WHERE r.matches IS DISTINCT FROM 1 OR r.accounts IS DISTINCT FROM 1
),
activity_reach AS (
    SELECT count(*) AS n_rows, min(x.account_id) AS example
    FROM activities x
    LEFT JOIN accounts a USING (account_id)
    WHERE x.account_id IS NOT NULL AND a.account_id IS NULL
),
contact_reach AS (
    SELECT count(*) AS contacts, min(c.contact_id) AS example
    FROM contacts c
    LEFT JOIN record_accounts r ON r.source = 'contacts' AND r.source_key = c.contact_id
    WHERE r.matches IS DISTINCT FROM 1 OR r.accounts IS DISTINCT FROM 1
),
contact_roles_per_contact AS (
    SELECT contact_id, count(*) AS roles FROM contact_roles GROUP BY contact_id
),
contact_role_reach AS (
    SELECT count(*) AS contacts, min(c.contact_id) AS example
    FROM contacts c
    LEFT JOIN contact_roles_per_contact r USING (contact_id)
    WHERE r.roles IS DISTINCT FROM 1
)
SELECT 'revenue' AS rule,
       format('window revenue {} in sales but {} in accounts.sales_amount (difference {})',
              w.revenue, a.revenue, w.revenue - a.revenue) AS detail
FROM window_revenue w, account_revenue a
WHERE abs(w.revenue - a.revenue) > 1e-6 * greatest(1, abs(w.revenue))
UNION ALL
SELECT 'sales_reach',
       format('{} sales lines (amount {}) reach no account or more than one, e.g. customer code {}',
              lines, amount, example)
FROM sales_reach WHERE lines > 0
UNION ALL
SELECT 'contacts_reach',
       format('{} contacts reach no account or more than one, e.g. contact {}', contacts, example)
FROM contact_reach WHERE contacts > 0
UNION ALL
SELECT 'activities_reach',
       format('{} attributed activity rows name an account that does not exist, e.g. account {}', n_rows, example)
FROM activity_reach WHERE n_rows > 0
UNION ALL
SELECT 'contact_roles',
       format('{} contacts have no role in contact_roles or more than one, e.g. contact {}', contacts, example)
FROM contact_role_reach WHERE contacts > 0;
