-- The latest decision on every mentoring pair ever decided, newest first.
SELECT mentor_id, mentee_id, skill_id, decision, score, decided_at, decided_by, note
FROM mentoring_decisions
QUALIFY row_number() OVER (PARTITION BY mentor_id, mentee_id, skill_id
                           ORDER BY decided_at DESC, rowid DESC) = 1
ORDER BY decided_at DESC, mentor_id, mentee_id, skill_id;
