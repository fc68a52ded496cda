-- The requests planners see: all but those waiting for a decision because the matrix no longer
-- has their person, host team or skill.
SELECT * FROM requests
WHERE request_id NOT IN (SELECT request_id FROM needs_decision
                         WHERE kind = 'request' AND request_id IS NOT NULL)
ORDER BY ALL;
