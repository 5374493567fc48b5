-- Territory = the sales area of the account's prefecture. Rep assignment (owner) comes with the
-- territories feature; until a reps file is given, owner stays empty.
CREATE OR REPLACE TABLE work.account_territory AS
SELECT b.account_id, g.area AS territory, CAST(NULL AS VARCHAR) AS owner
FROM work.account_base b
LEFT JOIN work.prefecture_areas g USING (prefecture);
