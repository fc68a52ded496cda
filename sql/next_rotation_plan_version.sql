SELECT (coalesce(max(version), 0) + 1)::INTEGER AS version FROM rotation_plan_versions;
