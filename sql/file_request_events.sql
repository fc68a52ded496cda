-- A history line for each request a loaded file adds or changes; run before merge_file_requests.
INSERT INTO rotation_request_events (request_id, status, changed_at, changed_by, plan_version, note)
SELECT i.request_id, coalesce(r.status, 'requested'), current_timestamp, $changed_by, NULL,
       CASE WHEN r.request_id IS NULL THEN 'Filed in ' ELSE 'Updated from ' END
       || $source || ' (snapshot ' || $snapshot || ')'
FROM incoming_requests i
LEFT JOIN requests r USING (request_id)
WHERE r.request_id IS NULL
   OR i.person_id IS DISTINCT FROM r.person_id
   OR i.host_team IS DISTINCT FROM r.host_team
   OR i.skill_id IS DISTINCT FROM r.skill_id
   OR i.earliest_quarter IS DISTINCT FROM r.earliest_quarter
   OR i.latest_quarter IS DISTINCT FROM r.latest_quarter
   OR i.priority IS DISTINCT FROM r.priority
   OR i.note IS DISTINCT FROM r.note;
