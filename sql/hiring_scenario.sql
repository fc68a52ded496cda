-- One saved what-if scenario by name (no row when there is none).
SELECT name, definition, saved_at, saved_by FROM hiring_scenarios WHERE name = $scenario_name;
