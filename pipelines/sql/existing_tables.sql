-- Tables and views of the file being built (the runner checks each step's reads and writes).
SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()
UNION ALL
SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal
