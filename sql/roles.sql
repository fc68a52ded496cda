-- The roles mapping, for the admin's page and `python -m skills roles list`.
SELECT email, role, person_id, teams, updated_at, updated_by FROM roles ORDER BY email;
