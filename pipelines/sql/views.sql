-- The BI contract: views for the common questions, over the published tables only (schema `work`
-- is gone by the time readers open the file). Column names and order are the contract; add
-- columns at the end. Descriptions: abm/published/contract.py.
CREATE OR REPLACE VIEW v_target_accounts AS
SELECT
    a.priority,  -- tiered accounts come first in accounts.priority (abm.targeting.tiers), so 1..n here
    a.account_id, a.tier, a.tier_reason, a.segment, a.approach, a.name, a.corporate_number,
    a.prefecture, a.city, c.address, c.postal_code, c.domain, a.industry_code, a.industry_name,
    a.employees, a.buying_power_score, a.buying_power_decile, a.sales_amount, a.abc_class,
    a.contact_count, a.territory, a.owner, a.last_sale_date, a.why
FROM accounts a
LEFT JOIN companies c USING (company_id)
WHERE a.tier IS NOT NULL
ORDER BY priority;

CREATE OR REPLACE VIEW v_whitespace AS
SELECT
    row_number() OVER (ORDER BY buying_power_score DESC, account_id) AS whitespace_rank,
    account_id, name, corporate_number, prefecture, city, industry_code, industry_name, employees,
    revenue, buying_power_score, buying_power_decile, has_contacts, contact_count, segment, approach,
    tier, territory, owner, last_sale_date, why
FROM accounts
WHERE has_buying_power AND NOT in_sales
ORDER BY whitespace_rank;

-- Records → account: matches.account_id (set by matches.sql); tests check every record lands once.
CREATE OR REPLACE VIEW v_account_360 AS
WITH records AS (
    SELECT source, source_key, status, method, account_id FROM matches
    WHERE source IN ('sales', 'contacts')  -- the account's own records; activities are in `activities`
),
evidence AS (
    SELECT
        account_id,
        count(*) AS linked_records,
        count(*) FILTER (WHERE status = 'auto' AND method = 'corporate_number') AS linked_by_corporate_number,
        count(*) FILTER (WHERE status = 'auto' AND method = 'domain') AS linked_by_domain,
        count(*) FILTER (WHERE status = 'auto' AND method = 'phone') AS linked_by_phone,
        count(*) FILTER (WHERE status = 'auto' AND method NOT IN ('corporate_number', 'domain', 'phone'))
            AS linked_by_name,
        count(*) FILTER (WHERE status = 'manual') AS linked_manually,
        count(*) FILTER (WHERE status = 'unmatched') AS unmatched_records,
        count(*) FILTER (WHERE status = 'review') AS in_review
    FROM records
    GROUP BY account_id
),
own_sales AS (
    SELECT r.account_id, count(*) AS sales_lines, sum(s.amount) AS lifetime_amount,
           min(s.date) AS first_sale_date
    FROM sales s
    JOIN records r ON r.source = 'sales' AND r.source_key = s.customer_code
    GROUP BY r.account_id
),
own_contacts AS (
    SELECT r.account_id, count(*) AS contacts_total
    FROM contacts c
    JOIN records r ON r.source = 'contacts' AND r.source_key = c.contact_id
    GROUP BY r.account_id
)
SELECT
    a.account_id, a.company_id, a.corporate_number, a.name, a.name_kana, a.prefecture, a.city,
    a.industry_code, a.industry_name, a.employees, a.revenue, a.capital, a.listed, a.in_master,
    a.sales_amount, a.abc_class, a.revenue_decile, a.buying_power_score, a.buying_power_decile,
    a.in_sales, a.has_buying_power, a.has_contacts, a.contact_count, a.segment, a.approach, a.tier,
    a.tier_reason, a.territory, a.owner, a.last_sale_date, a.customer_codes,
    coalesce(s.sales_lines, 0) AS sales_lines,
    coalesce(s.lifetime_amount, 0) AS lifetime_amount,
    s.first_sale_date,
    coalesce(c.contacts_total, 0) AS contacts_total,
    coalesce(e.linked_records, 0) AS linked_records,
    coalesce(e.linked_by_corporate_number, 0) AS linked_by_corporate_number,
    coalesce(e.linked_by_domain, 0) AS linked_by_domain,
    coalesce(e.linked_by_phone, 0) AS linked_by_phone,
    coalesce(e.linked_by_name, 0) AS linked_by_name,
    coalesce(e.linked_manually, 0) AS linked_manually,
    coalesce(e.unmatched_records, 0) AS unmatched_records,
    coalesce(e.in_review, 0) AS in_review,
    a.why
FROM accounts a
LEFT JOIN evidence e USING (account_id)
LEFT JOIN own_sales s USING (account_id)
LEFT JOIN own_contacts c USING (account_id);

CREATE OR REPLACE VIEW v_segment_summary AS
WITH scores AS (
    SELECT segment, avg(buying_power_score) AS avg_buying_power_score
    FROM accounts GROUP BY segment
)
SELECT
    g.segment, g.approach, g.accounts, g.revenue, g.contacts, g.whitespace, g.tier1, g.tier2, g.tier3,
    contains(g.segment, 'S') AS in_sales,
    contains(g.segment, 'B') AS has_buying_power,
    contains(g.segment, 'C') AS has_contacts,
    g.accounts / nullif(sum(g.accounts) OVER (), 0) AS account_share,
    g.revenue / nullif(sum(g.revenue) OVER (), 0) AS revenue_share,
    s.avg_buying_power_score
FROM segments g
LEFT JOIN scores s USING (segment)
-- the segment order: abm.published.contract.SEGMENTS (tests/test_bi_contract.py)
ORDER BY list_position(['S+B+C', 'S+B', 'B+C', 'B', 'S+C', 'S', 'C', 'none'], g.segment);
