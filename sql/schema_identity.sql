-- Sign-in: who is who (the roles mapping), and the audit trail of who did what.
-- The roles mapping: a signed-in email is this role, this person of the matrix, and (for a
-- manager) leads these teams. An email not listed here has no access at all.
CREATE TABLE IF NOT EXISTS roles (
    email      VARCHAR PRIMARY KEY CHECK (email = lower(trim(email)) AND email <> ''),
    role       VARCHAR NOT NULL CHECK (role IN ('engineer', 'manager', 'hr', 'admin')),
    person_id  VARCHAR,
    teams      VARCHAR[] NOT NULL DEFAULT [],
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by VARCHAR NOT NULL
);

-- Append-only: the only query that touches it is insert_audit_entry.sql (a test checks that
-- no sql/ file updates or deletes it). No personal values: ids, counts and digests only.
CREATE SEQUENCE IF NOT EXISTS audit_entry_numbers;
CREATE TABLE IF NOT EXISTS audit_log (
    entry       BIGINT PRIMARY KEY DEFAULT nextval('audit_entry_numbers'),
    happened_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor       VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    object      VARCHAR,
    row_count   BIGINT,
    sha256      VARCHAR
);
