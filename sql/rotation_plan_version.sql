SELECT version, created_at, created_by, status, policy, inputs, solver_status, solver,
       objective, bound, gap, seconds, message, figures
FROM rotation_plan_versions
WHERE version = $version;
