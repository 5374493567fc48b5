-- Merger chains: a company merged away (承継先法人番号 in the master) → its last successor in the
-- master, followed up to 10 hops, so a record linked to it belongs to the successor's account.
CREATE OR REPLACE TABLE work.successors AS
WITH RECURSIVE chain(company_id, successor_id, successor_number, depth) AS (
    SELECT c.company_id, s.company_id, s.corporate_number, 1
    FROM companies c
    JOIN companies s ON s.corporate_number = c.successor_corporate_number AND s.company_id <> c.company_id
    UNION ALL
    SELECT ch.company_id, s.company_id, s.corporate_number, ch.depth + 1
    FROM chain ch
    JOIN companies m ON m.company_id = ch.successor_id
    JOIN companies s ON s.corporate_number = m.successor_corporate_number AND s.company_id <> m.company_id
    WHERE ch.depth < 10
)
SELECT company_id, arg_max(successor_id, depth) AS successor_id, arg_max(successor_number, depth) AS successor_number
FROM chain
GROUP BY company_id;
