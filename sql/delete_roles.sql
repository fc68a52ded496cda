-- A new roles mapping replaces the old one whole (inside the same transaction).
DELETE FROM roles;
