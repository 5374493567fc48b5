-- The landed activity rows' rowid range, which attribution walks a batch at a time.
SELECT min(rowid) AS first_row, max(rowid) AS last_row FROM activities;
