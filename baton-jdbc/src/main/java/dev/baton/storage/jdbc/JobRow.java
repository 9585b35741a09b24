package dev.baton.storage.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.BatonException;
import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Uniqueness;
import dev.baton.job.BatchId;
import dev.baton.job.JobId;
import dev.baton.json.JsonCodec;
import dev.baton.state.JobState;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.JobSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** One row of {@code baton_jobs}, as read inside a transaction. */
record JobRow(
    JobSpec spec,
    JobState state,
    int attempt,
    long token,
    String owner,
    Instant createdAt,
    Instant stateAt,
    Instant runAt,
    Instant expireAt,
    int progress,
    long queuePos,
    boolean hasChildren,
    String blockedKey,
    Long blockedSeq,
    Instant blockedSince,
    Instant blockedDeadline,
    Instant wakeAt,
    int blockedTries,
    BatchId batch) {

  static final String COLUMNS =
      """
      id, type, queue, args_json, meta_json, max_attempts, parent_id, continue_on, has_children,
      concurrency_json, unique_key, unique_hold, unique_ttl_ms, state, attempt, fencing_token,
      owner, created_at, state_at, run_at, expire_at, progress, queue_pos, blocked_key,
      blocked_seq, blocked_since, blocked_deadline, wake_at, blocked_tries, batch_id
      """;

  /** How many columns {@link #COLUMNS} names. */
  static final int COLUMN_COUNT = 30;

  static final String SELECT_FOR_UPDATE =
      "SELECT " + COLUMNS + " FROM baton_jobs WHERE id = ? FOR UPDATE";

  static final String SELECT = "SELECT " + COLUMNS + " FROM baton_jobs WHERE id = ?";

  private static final ObjectMapper JSON = JsonCodec.defaultMapper();

  JobId id() {
    return spec.id();
  }

  String queue() {
    return spec.queue();
  }

  Concurrency concurrency() {
    return spec.concurrency();
  }

  static JobRow read(ResultSet rs) throws SQLException {
    String uniqueKey = rs.getString("unique_key");
    Uniqueness unique = null;
    if (uniqueKey != null) {
      long ttl = rs.getLong("unique_ttl_ms");
      unique =
          new Uniqueness(
              uniqueKey,
              Uniqueness.Hold.valueOf(rs.getString("unique_hold")),
              rs.wasNull() ? null : Duration.ofMillis(ttl));
    }
    String continueOn = rs.getString("continue_on");
    JobSpec spec =
        new JobSpec(
            Sql.jobId(rs, "id"),
            rs.getString("type"),
            rs.getString("queue"),
            rs.getString("args_json"),
            rs.getString("meta_json"),
            rs.getInt("max_attempts"),
            Sql.jobId(rs, "parent_id"),
            continueOn == null ? null : ContinuationCondition.valueOf(continueOn),
            readConcurrency(rs.getString("concurrency_json")),
            unique);
    long seq = rs.getLong("blocked_seq");
    Long blockedSeq = rs.wasNull() ? null : seq;
    return new JobRow(
        spec,
        JobState.valueOf(rs.getString("state")),
        rs.getInt("attempt"),
        rs.getLong("fencing_token"),
        rs.getString("owner"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "state_at"),
        Sql.instant(rs, "run_at"),
        Sql.instant(rs, "expire_at"),
        rs.getInt("progress"),
        rs.getLong("queue_pos"),
        rs.getBoolean("has_children"),
        rs.getString("blocked_key"),
        blockedSeq,
        Sql.instant(rs, "blocked_since"),
        Sql.instant(rs, "blocked_deadline"),
        Sql.instant(rs, "wake_at"),
        rs.getInt("blocked_tries"),
        batchId(rs.getObject("batch_id", UUID.class)));
  }

  /**
   * An ENQUEUED row without permits as {@link #COLUMNS} returns it, reading (by position) only what
   * a lease needs: the spec, attempt, token, creation time (microseconds since the epoch, in column
   * {@code createdMicros}) and queue position.
   */
  static JobRow readForLease(ResultSet rs, int createdMicros) throws SQLException {
    String uniqueKey = rs.getString(11);
    Uniqueness unique = null;
    if (uniqueKey != null) {
      long ttl = rs.getLong(13);
      unique =
          new Uniqueness(
              uniqueKey,
              Uniqueness.Hold.valueOf(rs.getString(12)),
              rs.wasNull() ? null : Duration.ofMillis(ttl));
    }
    String continueOn = rs.getString(8);
    UUID parent = rs.getObject(7, UUID.class);
    JobSpec spec =
        new JobSpec(
            new JobId(rs.getObject(1, UUID.class)),
            rs.getString(2),
            rs.getString(3),
            rs.getString(4),
            rs.getString(5),
            rs.getInt(6),
            parent == null ? null : new JobId(parent),
            continueOn == null ? null : ContinuationCondition.valueOf(continueOn),
            readConcurrency(rs.getString(10)),
            unique);
    return new JobRow(
        spec,
        JobState.ENQUEUED,
        rs.getInt(15),
        rs.getLong(16),
        null,
        Instant.EPOCH.plus(rs.getLong(createdMicros), java.time.temporal.ChronoUnit.MICROS),
        null,
        null,
        null,
        0,
        rs.getLong(23),
        false,
        null,
        null,
        null,
        null,
        null,
        0,
        batchId(rs.getObject(30, UUID.class)));
  }

  private static BatchId batchId(UUID id) {
    return id == null ? null : new BatchId(id);
  }

  static String writeConcurrency(Concurrency c) {
    if (c == null || c.isEmpty()) {
      return null;
    }
    try {
      return JSON.writeValueAsString(c);
    } catch (JsonProcessingException e) {
      throw new BatonException("cannot store concurrency " + c, e);
    }
  }

  static Concurrency readConcurrency(String json) {
    if (json == null) {
      return Concurrency.NONE;
    }
    try {
      return JSON.readValue(json, Concurrency.class);
    } catch (JsonProcessingException e) {
      throw new BatonException("unreadable concurrency column: " + json, e);
    }
  }
}
