-- The tables of the previously published file, attached as $database by the carry_over step.
SELECT table_name FROM duckdb_tables() WHERE database_name = $database AND schema_name = 'main'
