INSERT INTO rotation_request_events (request_id, status, changed_at, changed_by, plan_version, note)
VALUES ($request_id, $status, current_timestamp, $changed_by, $plan_version, $note);
