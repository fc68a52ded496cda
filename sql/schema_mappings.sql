-- Import mappings a person confirmed for another tool's export, by the export's header
-- fingerprint (a hash of its normalised header rows), so next quarter's file with the same
-- header loads with the same mapping. The mapping is the TOML `python -m skills load
-- --mapping` reads; it names columns and skills, never a person.
CREATE TABLE IF NOT EXISTS import_mappings (
    fingerprint  VARCHAR PRIMARY KEY,
    mapping      VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    confirmed_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    confirmed_by VARCHAR NOT NULL
);
