-- The one row of the roles mapping for a signed-in email (emails are stored lower-case).
SELECT email, role, person_id, teams FROM roles WHERE email = lower(trim($email));
