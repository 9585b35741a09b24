SET search_path = floor;
TRUNCATE cur, cur_history, lean, lean_queue, lean_lease;
INSERT INTO cur SELECT gen_random_uuid(), 'noop', 'default', '[]', '{}', 'ENQUEUED', 0, 0, NULL,
  now(), now(), NULL, g FROM generate_series(1, :n) g;
INSERT INTO lean SELECT gen_random_uuid(), 'noop', 'default', '[]', '{}', 'ENQUEUED', 0, 0, NULL,
  now(), now(), NULL, g FROM generate_series(1, :n) g;
INSERT INTO lean_queue SELECT queue, queue_pos, id FROM lean;
VACUUM ANALYZE cur;
VACUUM ANALYZE cur_history;
VACUUM ANALYZE lean;
VACUUM ANALYZE lean_queue;
VACUUM ANALYZE lean_lease;
