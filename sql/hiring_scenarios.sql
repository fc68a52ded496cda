-- Every saved what-if scenario, by name.
SELECT name, definition, saved_at, saved_by FROM hiring_scenarios ORDER BY name;
