INSERT INTO rotation_plan_versions (version, created_at, created_by, status, policy, inputs,
                           solver_status, solver, objective, bound, gap, seconds, message,
                           figures)
VALUES ($version, current_timestamp, $created_by, 'proposed', $policy, $inputs, $solver_status,
        $solver, $objective, $bound, $gap, $seconds, $message, $figures);
