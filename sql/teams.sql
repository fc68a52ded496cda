SELECT team, count(*)::INTEGER AS members FROM people GROUP BY team ORDER BY team;
