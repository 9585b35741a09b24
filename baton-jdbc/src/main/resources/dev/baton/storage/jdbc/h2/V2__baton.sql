-- Baton schema version 2 (H2): the hand-over tables, as on PostgreSQL. H2 has no push channel, so
-- it never hands over (JobStorage#handsOver is false) and these tables stay empty.

CREATE TABLE baton_offers (
  server_id  VARCHAR(200)       PRIMARY KEY,
  queues     VARCHAR(50) ARRAY  NOT NULL,
  slots      INT                NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE baton_offer_queues (
  queue     VARCHAR(50)  NOT NULL,
  server_id VARCHAR(200) NOT NULL,
  PRIMARY KEY (queue, server_id)
);
CREATE INDEX baton_offer_queues_server ON baton_offer_queues (server_id);
