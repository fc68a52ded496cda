INSERT INTO rotation_plan_rotations (version, person_id, home_team, host_team, quarter, request_id,
                            committed, learning, skills, decision, rationale, decided_at,
                            decided_by)
VALUES ($version, $person_id, $home_team, $host_team, $quarter, $request_id, $committed,
        $learning, $skills, $decision, $rationale,
        CASE WHEN $decision = 'pending' THEN NULL ELSE current_timestamp END, $decided_by);
