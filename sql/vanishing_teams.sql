-- Stored teams nobody in an incoming matrix (registered as incoming_people) belongs to.
SELECT team, count(*)::INTEGER AS members
FROM people
WHERE team NOT IN (SELECT team FROM incoming_people)
GROUP BY team
ORDER BY team;
