-- The account frame the decide step reads once: what the circles, tiers, territories and next actions
-- look at. Accounts absent from account_engagement / account_coverage come back NULL there; the
-- defaults (no engagement, every role missing) are filled once in abm.targeting.actions.
SELECT
    b.account_id, b.name, b.prefecture, b.industry_code,
    f.sales_amount, f.buying_power_score, f.in_sales, f.has_buying_power, f.has_contacts,
    e.engagement_score, e.engagement_decile, e.engagement_level, e.surging,
    c.has_decision_maker, c.roles_missing
FROM work.account_base b
JOIN work.account_flags f USING (account_id)
LEFT JOIN account_engagement e USING (account_id)
LEFT JOIN account_coverage c USING (account_id)
ORDER BY b.account_id
