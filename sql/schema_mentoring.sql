-- Mentoring planner: every accept or decline of a proposed pair, oldest first, with who decided
-- it and when. The latest decision per pair counts; accepted pairs can be kept fixed in the next
-- plan and declined pairs are never proposed again.
CREATE TABLE IF NOT EXISTS mentoring_decisions (
    mentor_id   VARCHAR NOT NULL,
    mentee_id   VARCHAR NOT NULL,
    skill_id    VARCHAR NOT NULL,
    decision    VARCHAR NOT NULL CHECK (decision IN ('accepted', 'declined')),
    score       DOUBLE,
    decided_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    decided_by  VARCHAR NOT NULL,
    note        VARCHAR
);
