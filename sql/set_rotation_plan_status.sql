-- A version is approved once every rotation is decided and at least one approved.
UPDATE rotation_plan_versions
SET status = CASE
    WHEN (SELECT count(*) FROM rotation_plan_rotations r
          WHERE r.version = $version AND r.decision = 'pending') > 0 THEN 'proposed'
    WHEN (SELECT count(*) FROM rotation_plan_rotations r
          WHERE r.version = $version AND r.decision = 'approved') > 0 THEN 'approved'
    ELSE 'declined' END
WHERE version = $version;
