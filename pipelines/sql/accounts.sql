-- The published `accounts` table: one row per account, in a fixed column order (the BI contract),
-- and `segments`: per segment accounts, revenue, contacts and whitespace.
CREATE OR REPLACE TABLE accounts AS
SELECT
    b.account_id,
    b.company_id,
    b.corporate_number,
    b.name,
    b.name_kana,
    b.prefecture,
    b.city,
    b.industry_code,
    b.industry_name,
    b.employees,
    b.revenue,
    b.capital,
    b.listed,
    b.in_master,
    b.closed,
    b.closed_on,
    f.sales_amount,
    p.abc_class,
    p.revenue_decile,
    bp.buying_power_score,
    bp.buying_power_decile,
    f.in_sales,
    f.has_buying_power,
    f.has_contacts,
    f.has_buying_power AND NOT f.in_sales AS whitespace,  -- fits, not yet a customer (ホワイトスペース)
    coalesce(c.contact_count, 0) AS contact_count,
    s.segment,
    s.approach,
    t.tier,
    t.tier_reason,
    tr.territory,
    tr.owner,
    a.last_sale_date,
    coalesce(a.customer_codes, 0) AS customer_codes,
    bp.why  -- the traits that most raise the buying power (abm.ranking.why)
FROM work.account_base b
JOIN work.account_flags f USING (account_id)
JOIN work.account_segments s USING (account_id)
LEFT JOIN work.account_sales a USING (account_id)
LEFT JOIN pareto p USING (account_id)
LEFT JOIN work.account_buying_power bp USING (account_id)
LEFT JOIN work.account_contacts c USING (account_id)
LEFT JOIN work.account_tiers t USING (account_id)
LEFT JOIN work.account_territory tr USING (account_id)
ORDER BY b.account_id;

CREATE OR REPLACE TABLE segments AS
SELECT
    g.segment,
    g.approach,
    count(a.account_id) AS accounts,
    coalesce(sum(a.sales_amount), 0) AS revenue,
    CAST(coalesce(sum(a.contact_count), 0) AS BIGINT) AS contacts,
    count(a.account_id) FILTER (WHERE a.whitespace) AS whitespace,
    count(a.account_id) FILTER (WHERE a.tier = 1) AS tier1,
    count(a.account_id) FILTER (WHERE a.tier = 2) AS tier2,
    count(a.account_id) FILTER (WHERE a.tier = 3) AS tier3
FROM work.playbook g
LEFT JOIN accounts a USING (segment)
GROUP BY g.segment, g.approach, g.sort_order
ORDER BY g.sort_order;
