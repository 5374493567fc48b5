-- `activities`, published: each landed activity row and the contact and account it is attributed to.
-- Order: a known contact_id, else a known contact's email (work.activity_rows), whose account is the
-- contact's; else the account 名寄せ gave its company fields (source 'activities'); else none.
--
-- activities_attributed.sql copied the landed rows, attributed, into activities_attributed a batch at
-- a time (contact_id filled in where the email named the contact, source_row named row_number as in
-- `rejects`); it replaces the landed table here. The view over the landed table goes with it.
DROP VIEW work.activity_rows;
DROP TABLE activities;
ALTER TABLE activities_attributed RENAME TO activities;
