-- v_next_actions: per owner, what to do this week and why. Accounts whose next_action is set (any
-- tier, or whitespace surging) or that are Tier 1/2 (worked every week, the playbook when no rule
-- fires); accounts without an owner (no reps file) are listed too, owner NULL. Order: owner, then
-- the published priority (accounts.priority), so each rep reads their list top down.
CREATE OR REPLACE VIEW v_next_actions AS
SELECT
    a.owner,
    row_number() OVER (PARTITION BY a.owner ORDER BY a.priority) AS owner_rank,
    a.priority,
    a.account_id, a.name, a.tier, a.segment, a.next_action,
    a.approach AS action,
    a.tier_reason AS reason,
    a.engagement_level, a.engagement_score, a.surging, a.roles_missing,
    a.buying_power_score, a.sales_amount, a.contact_count, a.territory, a.prefecture
FROM accounts a
WHERE a.next_action IS NOT NULL OR a.tier IN (1, 2)
ORDER BY a.owner NULLS LAST, a.priority;
