-- Accounts: every master company, plus one account per company that linked to no master company
-- (its records grouped across sales and contacts by shared name key or email domain).
-- account_id is the master company_id, or 'X-' + a hash of the group: stable across runs.
-- The rule lives here only: `matches.account_id` carries it to every later reader.
CREATE OR REPLACE TABLE matches AS
SELECT
    m.*,
    CASE WHEN m.status IN ('auto', 'manual') AND m.company_id IS NOT NULL THEN m.company_id
         ELSE 'X-' || left(md5(g.group_label), 12) END AS account_id
FROM matches m
LEFT JOIN work.offmaster_groups g USING (source, source_key)
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
    founded_year, listed, TRUE AS in_master
FROM companies
UNION ALL BY NAME
SELECT account_id, CAST(NULL AS VARCHAR) AS company_id, corporate_number, name, prefecture, phone,
       FALSE AS in_master
FROM work.offmaster_accounts;
