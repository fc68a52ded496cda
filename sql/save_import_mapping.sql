-- Remember a confirmed mapping; a later confirmation for the same header replaces it.
INSERT INTO import_mappings (fingerprint, mapping, source, confirmed_at, confirmed_by)
VALUES ($fingerprint, $mapping, $source, current_timestamp, $confirmed_by)
ON CONFLICT (fingerprint) DO UPDATE SET
    mapping = excluded.mapping,
    source = excluded.source,
    confirmed_at = excluded.confirmed_at,
    confirmed_by = excluded.confirmed_by;
