-- Revenue share and cumulative share per revenue decile (デシル分析).
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
