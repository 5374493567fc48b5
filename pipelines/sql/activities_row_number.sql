-- The last of publishing `activities` in place (activities.sql): source_row named as in `rejects`,
-- once every batch is attributed (work.activity_rows reads source_row).
ALTER TABLE activities RENAME COLUMN source_row TO row_number;
