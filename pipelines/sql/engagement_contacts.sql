-- The contacts with attributed activities, with what zeroing needs. consented = the consent rule of
-- account_contacts.sql (opted in, not opted out by as-of): a contact without it is zeroed.
SELECT c.contact_id, c.email, c.title, c.department, c.company_name,
       coalesce(c.opt_in AND (c.opted_out_at IS NULL OR c.opted_out_at > $as_of), FALSE) AS consented
FROM contacts c
WHERE c.contact_id IN (SELECT contact_key FROM work.engagement_sums)
