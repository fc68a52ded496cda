SELECT request_id, status, changed_at, changed_by, plan_version, note
FROM rotation_request_events
WHERE request_id = $request_id
ORDER BY changed_at, rowid;
