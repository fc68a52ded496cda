-- Team targets with missing = max(0, min_people - members at >= min_level), unmet first.
SELECT team, skill_id, skill_name, discipline, critical, min_level, min_people, have, missing,
       origin
FROM target_status
WHERE ($teams::VARCHAR[] IS NULL OR list_contains($teams::VARCHAR[], team))
  AND ($disciplines::VARCHAR[] IS NULL OR list_contains($disciplines::VARCHAR[], discipline))
ORDER BY missing DESC, team, skill_id;
