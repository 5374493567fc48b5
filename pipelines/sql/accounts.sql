-- The published `accounts` table: one row per account, in a fixed column order (the BI contract).
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
    d.segment,
    d.approach,
    d.tier,
    d.tier_reason,
    d.territory,
    d.owner,
    a.last_sale_date,
    coalesce(a.customer_codes, 0) AS customer_codes,
    bp.why,  -- the traits that most raise the buying power (abm.ranking.why)
    d.priority,
    d.name_norm,
    d.priority_score,  -- buying power lifted by engagement: what orders a tier (abm.targeting.actions)
    d.engagement_score,
    d.engagement_level,
    d.surging,
    d.roles_missing,
    d.next_action  -- the point-4 rule that fired, NULL = the segment's playbook
FROM work.account_base b
JOIN work.account_flags f USING (account_id)
JOIN work.account_decisions d USING (account_id)
LEFT JOIN work.account_sales a USING (account_id)
LEFT JOIN pareto p USING (account_id)
LEFT JOIN work.account_buying_power bp USING (account_id)
LEFT JOIN work.account_contacts c USING (account_id)
ORDER BY b.account_id;
