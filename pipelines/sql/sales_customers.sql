-- One record per sales customer code to link (名寄せ compares these against the master): its most
-- frequent spelling and first known attributes.
CREATE OR REPLACE TABLE work.sales_customers AS
WITH spellings AS (
    SELECT customer_code, customer_name, count(*) AS n, min(source_row) AS first_row
    FROM sales GROUP BY customer_code, customer_name
),
names AS (
    SELECT customer_code, first(customer_name ORDER BY n DESC, first_row) AS name
    FROM spellings GROUP BY customer_code
),
attributes AS (
    SELECT
        customer_code,
        first(corporate_number ORDER BY source_row) FILTER (WHERE corporate_number IS NOT NULL) AS corporate_number,
        first(prefecture ORDER BY source_row) FILTER (WHERE prefecture IS NOT NULL) AS prefecture,
        first(phone ORDER BY source_row) FILTER (WHERE phone IS NOT NULL) AS phone,
        first(address ORDER BY source_row) FILTER (WHERE address IS NOT NULL) AS address
    FROM sales GROUP BY customer_code
)
SELECT customer_code AS source_key, name, corporate_number, prefecture, phone, CAST(NULL AS VARCHAR) AS email_domain, address
FROM names JOIN attributes USING (customer_code)
ORDER BY source_key;
