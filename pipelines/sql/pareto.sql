-- Own revenue per account in the look-back window (returns netted), then ABC / Pareto and deciles.
-- A customer is class A while the cumulative share BEFORE it is below abc.a (so the customer
-- that crosses 80% is still A), B while it is below abc.b, else C. Only accounts with positive
-- net revenue in the window are customers here.
CREATE OR REPLACE TABLE work.account_sales AS
SELECT
    r.account_id,
    coalesce(sum(s.amount) FILTER (WHERE s.date BETWEEN $window_start AND $window_end), 0) AS sales_amount,
    count(*) FILTER (WHERE s.date BETWEEN $window_start AND $window_end) AS sales_lines,
    max(s.date) FILTER (WHERE s.date <= $as_of) AS last_sale_date,
    count(DISTINCT s.customer_code) AS customer_codes
FROM sales s
JOIN work.record_account r ON r.source = 'sales' AND r.source_key = s.customer_code
GROUP BY r.account_id;

CREATE OR REPLACE TABLE pareto AS
WITH customers AS (
    SELECT a.account_id, b.name, a.sales_amount AS revenue
    FROM work.account_sales a JOIN work.account_base b USING (account_id)
    WHERE a.sales_amount > 0
),
ranked AS (
    SELECT
        *,
        row_number() OVER w AS rank,
        count(*) OVER () AS customers,
        sum(revenue) OVER () AS total,
        sum(revenue) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
        ntile(10) OVER w AS revenue_decile
    FROM customers
    WINDOW w AS (ORDER BY revenue DESC, account_id)
)
SELECT
    rank,
    account_id,
    name,
    revenue,
    revenue / total AS share,
    running / total AS cumulative_share,
    rank / customers AS cumulative_customer_share,
    CASE WHEN (running - revenue) / total < $abc_a THEN 'A'
         WHEN (running - revenue) / total < $abc_b THEN 'B'
         ELSE 'C' END AS abc_class,
    revenue_decile
FROM ranked
ORDER BY rank;

CREATE OR REPLACE TABLE deciles AS
WITH d AS (
    SELECT revenue_decile AS decile, count(*) AS accounts, sum(revenue) AS revenue,
           min(revenue) AS min_revenue, max(revenue) AS max_revenue
    FROM pareto GROUP BY revenue_decile
)
SELECT
    decile,
    accounts,
    revenue,
    revenue / sum(revenue) OVER () AS share,
    sum(revenue) OVER (ORDER BY decile) / sum(revenue) OVER () AS cumulative_share,
    min_revenue,
    max_revenue
FROM d
ORDER BY decile;
