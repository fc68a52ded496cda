SELECT v.version, v.created_at, v.created_by, v.status, v.solver_status, v.solver, v.objective,
       v.bound, v.gap, v.seconds, v.message,
       count(r.person_id)::INTEGER AS rotations,
       count(r.person_id) FILTER (WHERE r.decision = 'approved')::INTEGER AS approved,
       count(r.person_id) FILTER (WHERE r.decision = 'declined')::INTEGER AS declined,
       count(r.person_id) FILTER (WHERE r.decision = 'pending')::INTEGER AS pending
FROM rotation_plan_versions v
LEFT JOIN rotation_plan_rotations r USING (version)
GROUP BY ALL
ORDER BY v.version DESC;
