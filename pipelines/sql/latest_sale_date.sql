-- The latest sales date: the default as-of.
SELECT max(date) FROM sales
