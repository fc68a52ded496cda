DELETE FROM roles WHERE email = lower(trim($email));
