SELECT snapshot, loaded_at, loaded_by, source, sha256, people, teams, skills, ratings, targets,
       requests, warnings
FROM snapshots
ORDER BY snapshot DESC
LIMIT 1;
