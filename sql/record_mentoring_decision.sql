-- One accept or decline of a mentoring pair; decided_by is the caller (role and person id).
INSERT INTO mentoring_decisions (mentor_id, mentee_id, skill_id, decision, score, decided_at,
                                 decided_by, note)
VALUES ($mentor_id, $mentee_id, $skill_id, $decision, $score, current_timestamp, $decided_by,
        $note);
