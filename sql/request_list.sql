-- Every request, with why it needs a decision (empty when it does not).
SELECT r.request_id, r.person_id, r.host_team, r.skill_id, r.earliest_quarter,
       r.latest_quarter, r.priority, r.note, r.status, coalesce(n.reason, '') AS needs_decision
FROM requests r
LEFT JOIN needs_decision n ON n.kind = 'request' AND n.request_id = r.request_id
ORDER BY r.request_id;
