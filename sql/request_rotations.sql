-- Every rotation a saved plan proposed for one person's requests, with its decision: the
-- request page says which host team and quarter an approval is for.
SELECT r.request_id, r.version, r.host_team, r.quarter, r.decision,
       r.decision = 'approved' AS approved, r.decided_by
FROM rotation_plan_rotations r
JOIN requests q USING (request_id)
WHERE q.person_id = $person_id AND r.decision <> 'declined'
ORDER BY r.request_id, r.version;
