-- Per account with a contact: the buying-committee roles reached by consented contacts, the roles
-- missing, and consented contacts per role. Roles in the order of abm.engagement.roles.ROLES;
-- '' when none (no LIST columns: older BI drivers trip on them).
CREATE OR REPLACE TABLE account_coverage AS
WITH per_role AS (
    SELECT
        account_id,
        count(*) FILTER (WHERE consented AND role = 'decision_maker')::INTEGER AS contacts_decision_maker,
        count(*) FILTER (WHERE consented AND role = 'champion')::INTEGER AS contacts_champion,
        count(*) FILTER (WHERE consented AND role = 'technical')::INTEGER AS contacts_technical,
        count(*) FILTER (WHERE consented AND role = 'finance')::INTEGER AS contacts_finance,
        count(*) FILTER (WHERE consented AND role = 'user')::INTEGER AS contacts_user
    FROM contact_roles
    GROUP BY account_id
)
SELECT
    account_id,
    concat_ws(
        ',',
        CASE WHEN contacts_decision_maker > 0 THEN 'decision_maker' END,
        CASE WHEN contacts_champion > 0 THEN 'champion' END,
        CASE WHEN contacts_technical > 0 THEN 'technical' END,
        CASE WHEN contacts_finance > 0 THEN 'finance' END,
        CASE WHEN contacts_user > 0 THEN 'user' END
    ) AS roles_reached,
    concat_ws(
        ',',
        CASE WHEN contacts_decision_maker = 0 THEN 'decision_maker' END,
        CASE WHEN contacts_champion = 0 THEN 'champion' END,
        CASE WHEN contacts_technical = 0 THEN 'technical' END,
        CASE WHEN contacts_finance = 0 THEN 'finance' END,
        CASE WHEN contacts_user = 0 THEN 'user' END
    ) AS roles_missing,
    ((contacts_decision_maker > 0)::INTEGER + (contacts_champion > 0)::INTEGER
        + (contacts_technical > 0)::INTEGER + (contacts_finance > 0)::INTEGER
        + (contacts_user > 0)::INTEGER) AS roles_reached_count,
    contacts_decision_maker > 0 AS has_decision_maker,
    contacts_decision_maker,
    contacts_champion,
    contacts_technical,
    contacts_finance,
    contacts_user
FROM per_role
ORDER BY account_id;
