-- The actions of a saved plan; incoming_hiring_actions is the plan's frame registered by Python.
INSERT INTO hiring_plan_actions
SELECT $plan_id, row_no, action, team, discipline, skill_id, level, person_id, hire_no, cost,
       from_team, mentor_id, explanation
FROM incoming_hiring_actions;
