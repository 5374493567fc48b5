-- `matches`, written once: each record's link (名寄せ: link_matches, the link step's frame, read in
-- place rather than written to the file first) and its account.
-- account_id is the master company_id of a linked record (its successor's when merged away), or
-- 'X-' + a hash of its off-master group (work.offmaster_groups): stable across runs.
-- The rule lives here only: `matches.account_id` carries it to every later reader.
CREATE OR REPLACE TABLE matches AS
SELECT
    m.* EXCLUDE (linked) REPLACE (
        CASE WHEN s.successor_id IS NOT NULL AND m.linked
             THEN concat_ws('; ', m.evidence, '合併により承継: ' || s.successor_number)
             ELSE m.evidence END AS evidence
    ),
    CASE WHEN m.linked
         THEN coalesce(s.successor_id, m.company_id)
         ELSE 'X-' || left(md5(g.group_label), 12) END AS account_id
FROM link_matches m
LEFT JOIN work.offmaster_groups g USING (source, source_key)
LEFT JOIN work.successors s ON s.company_id = m.company_id
ORDER BY m.source, m.source_key;
