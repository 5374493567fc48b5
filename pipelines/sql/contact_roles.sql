-- One row per contact: its account, its buying-committee role (work.title_roles, classified once per
-- distinct title and department) and whether we may contact it (work.contact_consent).
CREATE OR REPLACE TABLE contact_roles AS
SELECT c.contact_id, r.account_id, t.role, t.role_rule, k.consented
FROM contacts c
JOIN work.record_account r ON r.source = 'contacts' AND r.source_key = c.contact_id
JOIN work.contact_consent k ON k.contact_id = c.contact_id
JOIN work.title_roles t ON t.title = coalesce(c.title, '') AND t.department = coalesce(c.department, '')
ORDER BY c.contact_id;
