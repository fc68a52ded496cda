-- The audit trail from a day on (all of it when $since is NULL), oldest first.
SELECT entry, happened_at, actor, role, action, object, row_count, sha256
FROM audit_log
WHERE $since::DATE IS NULL OR happened_at >= $since::DATE
ORDER BY entry;
