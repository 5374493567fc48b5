-- The account frame the decide step reads once: what the circles, tiers and territories look at.
SELECT
    b.account_id, b.name, b.prefecture, b.industry_code,
    f.sales_amount, f.buying_power_score, f.in_sales, f.has_buying_power, f.has_contacts
FROM work.account_base b
JOIN work.account_flags f USING (account_id)
ORDER BY b.account_id
