-- The configured free-mail domains ([match] free_mail_domains, lower-cased), as a table: the view
-- work.activity_rows needs them and a view takes no parameters.
CREATE OR REPLACE TABLE work.free_mail_domains AS SELECT unnest($free_mail_domains::VARCHAR[]) AS domain;
