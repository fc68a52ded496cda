-- Every remembered mapping, newest first (without the TOML itself).
SELECT fingerprint, source, confirmed_at, confirmed_by
FROM import_mappings
ORDER BY confirmed_at DESC, fingerprint;
