-- Baton schema version 2 (PostgreSQL): hand-over to idle servers (JobStorage#claimOrOffer).

-- An idle server's offer: up to `slots` new jobs of `queues` may be leased to it by the create that
-- makes them, until `expires_at` (database clock). One row per server; a claimOrOffer replaces it,
-- a create that hands a job over takes a slot (rows are updated in place: no indexed column changes,
-- so the updates are HOT). A create locks the row it uses with SKIP LOCKED: concurrent creates use
-- other offers, or decline, instead of queueing behind one row. No CHECK (slots >= 0): PostgreSQL
-- checks the row an UPDATE computes from the statement's snapshot before it notices a concurrent
-- committed update (and recomputes from the new version), so such a check fails creates spuriously.
CREATE TABLE baton_offers (
  server_id  VARCHAR(200)  PRIMARY KEY,
  queues     VARCHAR(50)[] NOT NULL,
  slots      INT           NOT NULL,
  expires_at TIMESTAMPTZ   NOT NULL
);

-- How a create finds the offers for its queue: one probe of the primary key's prefix. Rows stay
-- while their server lives (an offer row is withdrawn and made again on every idle claim, these
-- rarely change); a row whose queue the current offer no longer names is ignored (queues above).
CREATE TABLE baton_offer_queues (
  queue     VARCHAR(50)  NOT NULL,
  server_id VARCHAR(200) NOT NULL,
  PRIMARY KEY (queue, server_id)
);
CREATE INDEX baton_offer_queues_server ON baton_offer_queues (server_id);
