UPDATE rotation_plan_rotations
SET decision = $decision, rationale = $rationale, decided_at = current_timestamp,
    decided_by = $decided_by
WHERE version = $version AND person_id = $person_id AND host_team = $host_team
  AND quarter = $quarter;
