-- Saved hiring plans, newest first.
SELECT plan_id, scenario, saved_at, saved_by, status, cost, bound, gap, hires, greedy_cost,
       seconds, options
FROM hiring_plans
ORDER BY plan_id DESC;
