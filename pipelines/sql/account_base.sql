-- Accounts: every master company, plus one account per company that linked to no master company
-- (its records grouped across sales and contacts by shared name key or email domain).
-- account_id is the master company_id, or 'X-' + a hash of the group: stable across runs.
-- A record linked to a company merged away (承継先法人番号 in the master) belongs to the successor's
-- account, following merger chains, and its evidence says so.
-- The rule lives here only: `matches.account_id` carries it to every later reader.
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

CREATE OR REPLACE TABLE matches AS
SELECT
    m.* REPLACE (
        CASE WHEN s.successor_id IS NOT NULL AND m.status IN ('auto', 'manual')
             THEN concat_ws('; ', m.evidence, '合併により承継: ' || s.successor_number)
             ELSE m.evidence END AS evidence
    ),
    CASE WHEN m.status IN ('auto', 'manual') AND m.company_id IS NOT NULL
         THEN coalesce(s.successor_id, m.company_id)
         ELSE 'X-' || left(md5(g.group_label), 12) END AS account_id
FROM matches m
LEFT JOIN work.offmaster_groups g USING (source, source_key)
LEFT JOIN work.successors s ON s.company_id = m.company_id
ORDER BY m.source, m.source_key;

CREATE OR REPLACE TABLE work.record_account AS
SELECT
    source,
    source_key,
    source_name,
    status IN ('auto', 'manual') AND company_id IS NOT NULL AS linked,
    account_id
FROM matches;

CREATE OR REPLACE TABLE work.offmaster_accounts AS
WITH records AS (
    SELECT r.account_id, r.source, r.source_key, r.source_name,
           coalesce(sc.prefecture, cr.prefecture) AS prefecture,
           coalesce(sc.corporate_number, cr.corporate_number) AS corporate_number,
           coalesce(sc.phone, cr.phone) AS phone
    FROM work.record_account r
    LEFT JOIN work.sales_customers sc ON r.source = 'sales' AND sc.source_key = r.source_key
    LEFT JOIN work.contact_records cr ON r.source = 'contacts' AND cr.source_key = r.source_key
    WHERE NOT r.linked
)
SELECT
    account_id,
    -- prefer the spelling in our own sales records ('sales' sorts after 'contacts')
    first(source_name ORDER BY source DESC, source_key) AS name,
    first(prefecture ORDER BY source DESC, source_key) FILTER (WHERE prefecture IS NOT NULL) AS prefecture,
    first(corporate_number ORDER BY source DESC, source_key) FILTER (WHERE corporate_number IS NOT NULL)
        AS corporate_number,
    first(phone ORDER BY source DESC, source_key) FILTER (WHERE phone IS NOT NULL) AS phone
FROM records
GROUP BY account_id;

CREATE OR REPLACE TABLE work.account_base AS
SELECT
    company_id AS account_id, company_id, corporate_number, name, name_kana, name_en, prefecture, city,
    address, postal_code, phone, domain, industry_code, industry_name, employees, revenue, capital,
    founded_year, listed, TRUE AS in_master,
    -- closed: flagged, or a close date, or merged into a successor (登記記録の閉鎖・合併)
    coalesce(closed, FALSE) OR closed_on IS NOT NULL OR successor_corporate_number IS NOT NULL AS closed,
    closed_on
FROM companies
UNION ALL BY NAME
SELECT account_id, CAST(NULL AS VARCHAR) AS company_id, corporate_number, name, prefecture, phone,
       FALSE AS in_master, FALSE AS closed
FROM work.offmaster_accounts;
