package dev.baton.storage.jdbc;

import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-over to idle servers (PostgreSQL): the offers an idle server leaves in {@code baton_offers}
 * (one row per server: its queues, free slots and expiry, on the database clock) and the jobs a
 * server holds. A create takes a slot in its own statement ({@link FastCreate}); this class writes,
 * withdraws and forgets offers. H2 never offers: there only {@link #forget}, {@link #purgeExpired}
 * and {@link #leasedTo} run, on empty tables.
 */
final class OfferOps {
  /**
   * Appended to the claim statement's common table expressions when a claimOrOffer claims from its
   * first queue: withdraws the server's previous offer and, if this is the claim's only queue, no
   * candidate needs admission and fewer than max were found, leaves an offer for the missing slots
   * (otherwise the claim goes on in a transaction, which leaves the offer at its end). Parameters:
   * max, whether the statement may offer, server, server, queues, ttl in microseconds, queues,
   * server.
   */
  static final String CLAIM_CTES =
      """
      ,
      f AS MATERIALIZED (
        SELECT CAST(? AS int) - (SELECT count(*) FROM c) AS slots,
          CAST(? AS boolean) AND NOT EXISTS (SELECT 1 FROM c WHERE c.concurrency_json IS NOT NULL)
            AS offering),
      d AS (
        DELETE FROM baton_offers WHERE server_id = ?
          AND NOT (SELECT f.offering AND f.slots > 0 FROM f)),
      o AS (
        INSERT INTO baton_offers (server_id, queues, slots, expires_at)
        SELECT ?, CAST(? AS varchar[]), f.slots, t.ts + CAST(? AS bigint) * INTERVAL '1 microsecond'
        FROM f, t WHERE f.offering AND f.slots > 0
        ON CONFLICT (server_id) DO UPDATE SET queues = EXCLUDED.queues, slots = EXCLUDED.slots,
          expires_at = EXCLUDED.expires_at),
      oq AS (
        INSERT INTO baton_offer_queues (queue, server_id)
        SELECT unnest(CAST(? AS varchar[])), ? FROM f WHERE f.offering AND f.slots > 0
        ON CONFLICT DO NOTHING)
      """;

  // Parameters: server, queues, slots, the transaction's time if known, ttl in microseconds,
  // queues,
  // server.
  private static final String OFFER =
      """
      WITH o AS (
        INSERT INTO baton_offers (server_id, queues, slots, expires_at)
        VALUES (?, CAST(? AS varchar[]), ?,
          COALESCE(CAST(? AS timestamptz), clock_timestamp())
            + CAST(? AS bigint) * INTERVAL '1 microsecond')
        ON CONFLICT (server_id) DO UPDATE SET queues = EXCLUDED.queues, slots = EXCLUDED.slots,
          expires_at = EXCLUDED.expires_at)
      INSERT INTO baton_offer_queues (queue, server_id)
      SELECT unnest(CAST(? AS varchar[])), ? ON CONFLICT DO NOTHING
      """;
  private static final String WITHDRAW = "DELETE FROM baton_offers WHERE server_id = ?";
  private static final String FORGET_QUEUES = "DELETE FROM baton_offer_queues WHERE server_id = ?";
  private static final String PURGE = "DELETE FROM baton_offers WHERE expires_at <= ?";
  private static final String LEASED_TO =
      "SELECT " + JobRow.COLUMNS + " FROM baton_jobs WHERE state = 'PROCESSING' AND owner = ?";

  /** What a claimOrOffer offers if it leases fewer than {@code max} jobs. */
  record Offer(String serverId, List<String> queues, int max, Duration ttl) {
    long ttlMicros() {
      return ttl.getSeconds() * 1_000_000L + ttl.getNano() / 1_000;
    }

    /** Binds {@link #CLAIM_CTES}'s parameters from {@code index} on. */
    void bindClaim(Tx tx, PreparedStatement ps, int index) throws SQLException {
      java.sql.Array q = tx.strings(queues);
      ps.setInt(index, max);
      ps.setBoolean(index + 1, queues.size() == 1);
      ps.setString(index + 2, serverId);
      ps.setString(index + 3, serverId);
      ps.setArray(index + 4, q);
      ps.setLong(index + 5, ttlMicros());
      ps.setArray(index + 6, q);
      ps.setString(index + 7, serverId);
    }
  }

  private OfferOps() {}

  /** Leaves (or replaces) the offer of {@code slots} free slots, in a claim's transaction. */
  static void offer(Tx tx, Offer offer, int slots) throws SQLException {
    if (slots <= 0) {
      return;
    }
    java.sql.Array q = tx.strings(offer.queues());
    try (PreparedStatement ps = tx.prepare(OFFER)) {
      ps.setString(1, offer.serverId());
      ps.setArray(2, q);
      ps.setInt(3, slots);
      tx.bindNowIfKnown(ps, 4); // an idle claim read no row, so no time: no extra round trip
      ps.setLong(5, offer.ttlMicros());
      ps.setArray(6, q);
      ps.setString(7, offer.serverId());
      ps.executeUpdate();
    }
  }

  /** Takes back the server's offer (jobs already handed over under it stay handed over). */
  static Void withdraw(Tx tx, String serverId) throws SQLException {
    tx.update(WITHDRAW, serverId);
    return null;
  }

  /** A server deregistered or rescued as dead: its offer and its queue rows go. */
  static void forget(Tx tx, String serverId) throws SQLException {
    tx.update(WITHDRAW, serverId);
    tx.update(FORGET_QUEUES, serverId);
  }

  /** Expired offers: creates ignore them already; this only keeps the table small. */
  static void purgeExpired(Tx tx) throws SQLException {
    tx.update(PURGE, tx.now());
  }

  /** Every job PROCESSING under a lease of {@code serverId} (the partial owner index). */
  static List<LeasedJob> leasedTo(Tx tx, String serverId) throws SQLException {
    List<LeasedJob> leased = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(LEASED_TO)) {
      ps.setString(1, serverId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JobRow row = JobRow.read(rs);
          leased.add(
              new LeasedJob(
                  new Lease(row.id(), serverId, row.token()),
                  row.spec(),
                  row.attempt(),
                  row.createdAt()));
        }
      }
    }
    return leased;
  }
}
