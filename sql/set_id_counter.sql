INSERT INTO id_counters VALUES ($counter, $last)
ON CONFLICT (name) DO UPDATE SET last = greatest(id_counters.last, excluded.last);
