-- The one consent rule: a contact may be contacted when opted in and not opted out by as-of
-- (malformed emails never land: they are in `rejects`). Read by account_contacts and contact_roles.
CREATE OR REPLACE TABLE work.contact_consent AS
SELECT contact_id, coalesce(opt_in, false) AND (opted_out_at IS NULL OR opted_out_at > $as_of) AS consented
FROM contacts;
