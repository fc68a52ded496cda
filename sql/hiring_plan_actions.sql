-- The actions of one saved hiring plan, in plan order, with person names where known.
SELECT a.action, a.team, a.discipline, a.skill_id, a.level, a.person_id, a.hire_no, a.cost,
       a.from_team, a.mentor_id, a.explanation, p.name AS person_name
FROM hiring_plan_actions a
LEFT JOIN people p USING (person_id)
WHERE a.plan_id = $plan_id
ORDER BY a.row_no;
