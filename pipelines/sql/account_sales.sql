-- Own revenue per account in the look-back window (returns netted), lines, last sale, customer codes.
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
