SELECT kind, item, request_id, reason FROM needs_decision ORDER BY kind, item;
