SELECT request_id FROM requests ORDER BY request_id;
