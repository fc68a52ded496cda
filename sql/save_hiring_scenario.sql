-- Save a what-if scenario under its name, replacing an older one of the same name.
INSERT OR REPLACE INTO hiring_scenarios (name, definition, saved_at, saved_by)
VALUES ($scenario_name, $definition, current_timestamp, $saved_by);
