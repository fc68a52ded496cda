DELETE FROM hiring_scenarios WHERE name = $scenario_name;
