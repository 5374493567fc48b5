-- Territory = the sales area of the account's prefecture (abm.geo); owner = the rep assigned by
-- abm.territories.assign.assign (work.account_owner, empty when no reps file is given).
CREATE OR REPLACE TABLE work.account_territory AS
SELECT b.account_id, g.area AS territory, o.owner
FROM work.account_base b
LEFT JOIN work.prefecture_areas g USING (prefecture)
LEFT JOIN work.account_owner o USING (account_id);
