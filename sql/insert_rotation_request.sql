INSERT INTO requests (request_id, person_id, host_team, skill_id, earliest_quarter,
                      latest_quarter, priority, note, status)
VALUES ($request_id, $person_id, $host_team, $skill_id, $earliest_quarter, $latest_quarter,
        $priority, $note, 'requested');
