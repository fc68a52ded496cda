UPDATE requests SET status = $status WHERE request_id = $request_id;
