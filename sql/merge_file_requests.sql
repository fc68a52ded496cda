-- A file's requests add or update by request_id; none is deleted, and a stored status (what
-- the planner and managers made of a request) is kept.
INSERT INTO requests (request_id, person_id, host_team, skill_id, earliest_quarter,
                      latest_quarter, priority, note, status)
SELECT request_id, person_id, host_team, skill_id, earliest_quarter, latest_quarter, priority,
       note, 'requested'
FROM incoming_requests
ON CONFLICT (request_id) DO UPDATE SET
    person_id = excluded.person_id,
    host_team = excluded.host_team,
    skill_id = excluded.skill_id,
    earliest_quarter = excluded.earliest_quarter,
    latest_quarter = excluded.latest_quarter,
    priority = excluded.priority,
    note = excluded.note;
