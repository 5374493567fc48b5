-- A closed company (登記記録の閉鎖, liquidated or merged away) is no prospect: it is in neither the B
-- nor the C circle, so it is never whitespace and never in B / B+C / C; its own sales still count (S).
CREATE OR REPLACE TABLE work.account_flags AS
SELECT
    b.account_id,
    coalesce(s.sales_amount, 0) AS sales_amount,
    bp.buying_power_score,
    coalesce(s.sales_amount, 0) > 0 AS in_sales,
    coalesce(bp.has_buying_power, FALSE) AND NOT b.closed AS has_buying_power,
    coalesce(c.contact_count, 0) > 0 AND NOT b.closed AS has_contacts
FROM work.account_base b
LEFT JOIN work.account_sales s USING (account_id)
LEFT JOIN work.account_buying_power bp USING (account_id)
LEFT JOIN work.account_contacts c USING (account_id);
