SELECT (coalesce(max(snapshot), 0) + 1)::INTEGER AS snapshot FROM snapshots;
