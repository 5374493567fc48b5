-- companies_enrich rows whose 法人番号 is in no master company (reported, kept in companies_enrich).
SELECT count(*) FROM companies_enrich e ANTI JOIN companies c USING (corporate_number)
