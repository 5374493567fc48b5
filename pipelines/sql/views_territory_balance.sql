-- v_territory_balance without reps (no rows in territory_balance): the load per territory (area)
-- over the accounts in at least one circle. Same columns as views_territory_balance_table.sql;
-- rep-only figures (name, capacity, deviations) are empty and shares are of the whole country.
CREATE OR REPLACE VIEW v_territory_balance AS
WITH loads AS (
    SELECT territory, owner, count(*) AS accounts, coalesce(sum(buying_power_score), 0) AS buying_power,
           coalesce(sum(sales_amount), 0) AS revenue
    FROM accounts
    WHERE segment <> 'none'
    GROUP BY territory, owner
)
SELECT
    territory,
    owner,
    CAST(NULL AS VARCHAR) AS owner_name,
    CAST(NULL AS DOUBLE) AS capacity,
    accounts,
    buying_power,
    revenue,
    accounts / nullif(sum(accounts) OVER (), 0) AS accounts_share,
    buying_power / nullif(sum(buying_power) OVER (), 0) AS buying_power_share,
    revenue / nullif(sum(revenue) OVER (), 0) AS revenue_share,
    CAST(NULL AS DOUBLE) AS accounts_deviation,
    CAST(NULL AS DOUBLE) AS buying_power_deviation,
    CAST(NULL AS DOUBLE) AS revenue_deviation,
    CAST(NULL AS BOOLEAN) AS within_tolerance
FROM loads
ORDER BY territory NULLS LAST, owner NULLS LAST;
