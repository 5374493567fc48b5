-- How the published activity rows were attributed: one row per attributed_by (NULL = not attributed).
SELECT attributed_by, count(*) AS n FROM activities GROUP BY attributed_by ORDER BY attributed_by;
