-- One person's rotation requests with the latest word on each (a refusal's reason included),
-- why it needs a decision (empty when it does not), and the rotation that answers it once a
-- plan proposed one: the latest approved, else the latest proposal not declined (the request
-- page says which host team and quarter, and who decided).
WITH answers AS (
    SELECT request_id, host_team, quarter, version, decided_by
    FROM rotation_plan_rotations
    WHERE request_id IS NOT NULL AND decision <> 'declined'
    QUALIFY row_number() OVER (PARTITION BY request_id
                               ORDER BY decision = 'approved' DESC, version DESC) = 1
)
SELECT r.request_id, r.host_team, r.skill_id, s.name AS skill_name, r.earliest_quarter,
       r.latest_quarter, r.priority, r.note, r.status,
       (SELECT e.note FROM rotation_request_events e WHERE e.request_id = r.request_id
        ORDER BY e.changed_at DESC, e.rowid DESC LIMIT 1) AS latest_note,
       (SELECT e.changed_at FROM rotation_request_events e WHERE e.request_id = r.request_id
        ORDER BY e.changed_at DESC, e.rowid DESC LIMIT 1) AS changed_at,
       coalesce(n.reason, '') AS needs_decision,
       a.host_team AS rotation_host, a.quarter AS rotation_quarter,
       a.version AS rotation_version, a.decided_by
FROM requests r
LEFT JOIN skills s USING (skill_id)
LEFT JOIN needs_decision n ON n.kind = 'request' AND n.request_id = r.request_id
LEFT JOIN answers a ON a.request_id = r.request_id
WHERE r.person_id = $person_id
ORDER BY r.request_id;
