-- The activity_type values as given (a few hundred at most): mapped to codes and points in Python.
SELECT DISTINCT activity_type FROM activities
