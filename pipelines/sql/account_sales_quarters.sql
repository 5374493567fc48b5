-- Own net sales per account and quarter, over every sales line (any date, returns netted), so the
-- API and BI tools read them instead of re-deriving them. Quarter labels come from
-- work.quarter_of_day (abm.periods.quarter_label, the same rule as runs.quarter).
CREATE OR REPLACE TABLE account_sales_quarters AS
SELECT
    m.account_id,
    q.quarter,
    min(s.date) AS first_sale_date,
    sum(s.amount) AS amount,
    count(*) AS lines
FROM sales s
JOIN matches m ON m.source = 'sales' AND m.source_key = s.customer_code
LEFT JOIN work.quarter_of_day q ON q.date = s.date
GROUP BY ALL
ORDER BY m.account_id, first_sale_date;
