-- The next R<number>: above every number ever handed out, and above any id a file, the history
-- or a plan has used, so no id is issued twice even after a request is gone.
WITH used AS (
    SELECT request_id FROM requests
    UNION ALL SELECT request_id FROM rotation_request_events
    UNION ALL SELECT request_id FROM rotation_plan_rotations WHERE request_id IS NOT NULL
)
SELECT (greatest(
    coalesce((SELECT last FROM id_counters WHERE name = 'request'), 0),
    coalesce(max(TRY_CAST(regexp_extract(request_id, '^R([0-9]+)$', 1) AS INTEGER)), 0)
) + 1)::INTEGER AS number
FROM used;
