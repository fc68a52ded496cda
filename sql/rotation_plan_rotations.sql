SELECT r.version, r.person_id, p.name, r.home_team, r.host_team, r.quarter, r.request_id,
       r.request_id IS NOT NULL AS requested, r.committed, r.learning, r.skills, r.decision,
       r.rationale, r.decided_at, r.decided_by
FROM rotation_plan_rotations r
LEFT JOIN people p USING (person_id)
WHERE r.version = $version
ORDER BY r.quarter, r.host_team, r.person_id;
