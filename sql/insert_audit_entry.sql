-- One line of the append-only audit trail.
INSERT INTO audit_log (actor, role, action, object, row_count, sha256)
VALUES ($actor, $role, $action, $object, $row_count, $sha256);
