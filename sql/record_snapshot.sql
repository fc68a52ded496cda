INSERT INTO snapshots
SELECT $snapshot, current_timestamp, $loaded_by, $source, $sha256,
       (SELECT count(*) FROM people), (SELECT count(DISTINCT team) FROM people),
       (SELECT count(*) FROM skills), (SELECT count(*) FROM incoming_ratings),
       (SELECT count(*) FROM targets), $requests, $warnings;
