-- `segments`: per segment (in playbook order) accounts, revenue, contacts, whitespace and tiers.
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
