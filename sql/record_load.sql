INSERT INTO loads VALUES (current_timestamp, $source, $people, $skills, $ratings, $warnings);
