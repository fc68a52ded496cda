-- One row per load, oldest first, with how many team targets its matrix met.
WITH target_have AS (
    SELECT t.snapshot, t.team, t.skill_id, t.min_people, count(p.person_id) AS have
    FROM targets_history t
    LEFT JOIN ratings_history r
        ON r.snapshot = t.snapshot AND r.skill_id = t.skill_id AND r.level >= t.min_level
    LEFT JOIN people_history p
        ON p.snapshot = r.snapshot AND p.person_id = r.person_id AND p.team = t.team
    GROUP BY ALL
)
SELECT s.snapshot, s.loaded_at, s.loaded_by, s.source, s.sha256, s.people, s.teams, s.skills,
       s.ratings, s.targets, s.requests,
       coalesce(count(*) FILTER (WHERE h.have >= h.min_people), 0)::INTEGER AS targets_met
FROM snapshots s
LEFT JOIN target_have h USING (snapshot)
GROUP BY ALL
ORDER BY s.snapshot;
