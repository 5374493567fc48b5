-- The distinct (title, department) pairs of the contacts, '' for blank: the role rules run on these.
SELECT DISTINCT coalesce(title, '') AS title, coalesce(department, '') AS department
FROM contacts
ORDER BY title, department;
