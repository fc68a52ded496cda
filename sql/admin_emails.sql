-- Whom a signed-in user without a role should ask.
SELECT email FROM roles WHERE role = 'admin' ORDER BY email;
