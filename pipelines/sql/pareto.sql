-- ABC / Pareto classes and revenue deciles of the customers.
-- A customer is class A while the cumulative share BEFORE it is below abc.a (so the customer
-- that crosses 80% is still A), B while it is below abc.b, else C. Only accounts with positive
-- net revenue in the window are customers here.
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
