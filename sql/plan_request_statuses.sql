-- The status of each request a saved plan's rotations answer (a request that is gone has no
-- row): all of the requests that the plan's rule check reads.
SELECT DISTINCT q.request_id, q.status
FROM rotation_plan_rotations r
JOIN requests q USING (request_id)
WHERE r.version = $version
ORDER BY q.request_id;
