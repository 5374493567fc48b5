-- Each source record and its account, and whether it is linked to a master company (the rule is
-- abm.matching.is_linked, computed once by the link step into its frame's ``linked``: link_matches).
CREATE OR REPLACE TABLE work.record_account AS
SELECT m.source, m.source_key, m.source_name, l.linked, m.account_id
FROM matches m
JOIN link_matches l USING (source, source_key);
