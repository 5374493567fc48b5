-- v_territory_balance with reps: the territories step's `territory_balance` (one row per active
-- rep, shares and deviations within the rep's area) under the contract's stable column names.
CREATE OR REPLACE VIEW v_territory_balance AS
SELECT
    area AS territory,
    rep_id AS owner,
    name AS owner_name,
    CAST(capacity AS DOUBLE) AS capacity,
    accounts,
    buying_power,
    revenue,
    accounts_share,
    buying_power_share,
    revenue_share,
    accounts_deviation,
    buying_power_deviation,
    revenue_deviation,
    within_tolerance
FROM territory_balance
ORDER BY territory NULLS LAST, owner;
