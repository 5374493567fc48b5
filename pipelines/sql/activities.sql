-- `activities`, published: each landed activity row and the contact and account it is attributed to.
-- Order: a known contact_id, else a known contact's email (work.activity_rows), whose account is the
-- contact's; else the account 名寄せ gave its company fields (source 'activities'); else none.
--
-- The landed table becomes the published one in place (its rows stay in file order): two columns
-- added here, filled in by activities_attributed.sql a batch of rows at a time (contact_id too, where
-- the email named the contact), then source_row named as in `rejects` (activities_row_number.sql).
-- Copying its 10M rows into a new table took 13 s at national scale, the update 8 s.
ALTER TABLE activities ADD COLUMN account_id VARCHAR;
ALTER TABLE activities ADD COLUMN attributed_by VARCHAR;
