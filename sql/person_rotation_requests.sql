-- One person's rotation requests with the latest word on each (a refusal's reason included)
-- and why it needs a decision (empty when it does not).
SELECT r.request_id, r.host_team, r.skill_id, s.name AS skill_name, r.earliest_quarter,
       r.latest_quarter, r.priority, r.note, r.status,
       (SELECT e.note FROM rotation_request_events e WHERE e.request_id = r.request_id
        ORDER BY e.changed_at DESC, e.rowid DESC LIMIT 1) AS latest_note,
       (SELECT e.changed_at FROM rotation_request_events e WHERE e.request_id = r.request_id
        ORDER BY e.changed_at DESC, e.rowid DESC LIMIT 1) AS changed_at,
       coalesce(n.reason, '') AS needs_decision
FROM requests r
LEFT JOIN skills s USING (skill_id)
LEFT JOIN needs_decision n ON n.kind = 'request' AND n.request_id = r.request_id
WHERE r.person_id = $person_id
ORDER BY r.request_id;
