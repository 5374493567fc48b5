-- Size and industry from companies_enrich (gBizINFO, purchased data) fill the master's empty columns,
-- joined on 法人番号: the 法人番号 全件データ itself has none. A value in the master is never overwritten.
CREATE OR REPLACE TABLE companies AS
SELECT
    c.* REPLACE (
        coalesce(c.industry_code, e.industry_code) AS industry_code,
        coalesce(c.industry_name, e.industry_name) AS industry_name,
        coalesce(c.employees, e.employees) AS employees,
        coalesce(c.revenue, e.revenue) AS revenue,
        coalesce(c.capital, e.capital) AS capital,
        coalesce(c.founded_year, e.founded_year) AS founded_year,
        coalesce(c.listed, e.listed) AS listed,
        coalesce(c.phone, e.phone) AS phone,
        coalesce(c.domain, e.domain) AS domain
    )
FROM companies c
LEFT JOIN companies_enrich e USING (corporate_number)
ORDER BY c.source_row, c.company_id;
