-- A saved hiring plan's header; returns its new plan_id.
INSERT INTO hiring_plans (scenario, saved_at, saved_by, status, cost, bound, gap, hires,
                          greedy_cost, seconds, options)
VALUES ($scenario, current_timestamp, $saved_by, $status, $cost, $bound, $gap, $hires,
        $greedy_cost, $seconds, $options)
RETURNING plan_id;
