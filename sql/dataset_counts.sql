SELECT
    (SELECT count(*) FROM people)               AS people,
    (SELECT count(DISTINCT team) FROM people)   AS teams,
    (SELECT count(*) FROM skills)               AS skills,
    (SELECT count(*) FROM ratings)              AS ratings,
    (SELECT count(*) FROM targets)              AS targets,
    (SELECT count(*) FROM requests)             AS requests;
