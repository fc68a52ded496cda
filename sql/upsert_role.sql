INSERT OR REPLACE INTO roles (email, role, person_id, teams, updated_by)
VALUES (lower(trim($email)), $role, $person_id, $teams::VARCHAR[], $updated_by);
