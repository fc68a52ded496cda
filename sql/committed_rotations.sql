-- Rotations whose latest decision, over all plan versions, is an approval: later plans keep them.
SELECT person_id, host_team, quarter, request_id, version
FROM (
    SELECT *, row_number() OVER (PARTITION BY person_id, host_team, quarter
                                 ORDER BY decided_at DESC NULLS LAST, version DESC) AS newest
    FROM rotation_plan_rotations
    WHERE decision <> 'pending'
)
WHERE newest = 1 AND decision = 'approved'
ORDER BY quarter, host_team, person_id;
