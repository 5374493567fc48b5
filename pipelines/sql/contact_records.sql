-- One record per contact to link (名寄せ compares these against the master).
CREATE OR REPLACE TABLE work.contact_records AS
SELECT
    contact_id AS source_key,
    company_name AS name,
    corporate_number,
    prefecture,
    phone,
    split_part(email, '@', 2) AS email_domain,
    address
FROM contacts
ORDER BY contact_id;
