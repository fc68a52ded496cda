-- The mapping confirmed for an export with this header fingerprint, if any.
SELECT fingerprint, mapping, source, confirmed_at, confirmed_by
FROM import_mappings
WHERE fingerprint = $fingerprint;
