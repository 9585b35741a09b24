package dev.baton.storage.jdbc;

import dev.baton.concurrency.Uniqueness;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewBatch;
import dev.baton.storage.NewJob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code create}: the batch is written with one batched INSERT (the PostgreSQL driver rewrites it
 * into multi-row statements); ids, parents and uniqueness keys are checked first.
 */
final class CreateOp {
  private static final String INSERT =
      """
      INSERT INTO baton_jobs (id, type, queue, args_json, meta_json, max_attempts, parent_id,
        continue_on, concurrency_json, unique_key, unique_hold, unique_ttl_ms, state, attempt,
        fencing_token, created_at, state_at, run_at, expire_at, batch_id, queue_pos)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?,
        nextval('baton_queue_seq'))
      """;
  private static final String EXISTING = "SELECT id, state FROM baton_jobs WHERE id = ANY(?)";
  // PostgreSQL: the same, with the storage clock in the same round trip (first row, id NULL).
  private static final String CLOCK_AND_EXISTING =
      """
      SELECT clock_timestamp() AS ts, CAST(NULL AS uuid) AS id, CAST(NULL AS VARCHAR(16)) AS state
      UNION ALL
      SELECT NULL, id, state FROM baton_jobs WHERE id = ANY(?)
      """;
  private static final String STATE_OF = "SELECT state, expire_at FROM baton_jobs WHERE id = ?";
  private static final String MARK_PARENT =
      "UPDATE baton_jobs SET has_children = TRUE WHERE id = ?";
  private static final String TAKE_UNIQUE =
      "INSERT INTO baton_unique_keys (unique_key, job_id, expire_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
  private static final String UNIQUE_HOLDER =
      "SELECT job_id, expire_at FROM baton_unique_keys WHERE unique_key = ? FOR UPDATE";
  private static final String MOVE_UNIQUE =
      "UPDATE baton_unique_keys SET job_id = ?, expire_at = ? WHERE unique_key = ?";

  private CreateOp() {}

  static List<CreateResult> create(Tx tx, List<NewJob> jobs) throws SQLException {
    return create(tx, jobs, null);
  }

  /**
   * With {@code batch}: {@code jobs} are its members, then its continuation (see {@link
   * NewBatch#jobs()}); members carry the batch id, the continuation enters AWAITING, and an id that
   * exists already refuses the whole batch.
   */
  static List<CreateResult> create(Tx tx, List<NewJob> jobs, NewBatch inBatch) throws SQLException {
    Map<JobId, JobState> known = existing(tx, jobs);
    if (inBatch != null && !known.isEmpty()) {
      throw new IllegalArgumentException(
          "batch "
              + inBatch.id()
              + ": job "
              + known.keySet().iterator().next()
              + " exists already");
    }
    int members = inBatch == null ? jobs.size() : inBatch.members().size();
    int index = -1;
    Instant now = tx.now();
    Map<JobId, JobState> batch = new HashMap<>();
    Set<JobId> parentsToMark = new LinkedHashSet<>();
    List<CreateResult> results = new ArrayList<>(jobs.size());
    try (PreparedStatement insert = tx.prepare(INSERT)) {
      for (NewJob job : jobs) {
        index++;
        JobSpec spec = job.spec();
        JobId id = spec.id();
        JobState already = batch.containsKey(id) ? batch.get(id) : known.get(id);
        if (already != null) {
          results.add(CreateResult.duplicate(id, already));
          continue;
        }
        if (spec.unique() != null) {
          JobId holder = takeUnique(tx, spec.unique(), id, now, batch.keySet());
          if (holder != null) {
            JobState holderState =
                batch.containsKey(holder) ? batch.get(holder) : stateOf(tx, holder);
            results.add(
                CreateResult.duplicate(
                    holder, holderState == null ? JobState.DELETED : holderState));
            continue;
          }
        }
        Instant runAt =
            job.runAt() != null ? job.runAt() : job.delay() != null ? now.plus(job.delay()) : null;
        JobState ready =
            runAt != null && runAt.isAfter(now) ? JobState.SCHEDULED : JobState.ENQUEUED;
        JobState state = ready;
        Instant expireAt = null;
        String reason = job.reason();
        if (spec.parent() != null) {
          JobState parent =
              batch.containsKey(spec.parent())
                  ? batch.get(spec.parent())
                  : stateOf(tx, spec.parent());
          if (parent == null) {
            throw new IllegalArgumentException(
                "job " + id + " continues unknown job " + spec.parent());
          }
          boolean met =
              spec.continueOn() == ContinuationCondition.ON_ANY_FINAL
                  ? parent.isFinal()
                  : parent == JobState.SUCCEEDED;
          if (met) {
            state = ready;
          } else if (parent == JobState.DELETED) {
            state = JobState.DELETED;
            expireAt = now.plus(Moves.SYSTEM_RETENTION);
            reason = "parent " + spec.parent() + " was deleted";
          } else {
            state = JobState.AWAITING;
            parentsToMark.add(spec.parent());
          }
        }
        if (inBatch != null && index == members) {
          state = JobState.AWAITING; // the batch continuation: the batch's counts release it
        }
        Sql.bind(
            insert,
            id,
            spec.type(),
            spec.queue(),
            spec.argsJson(),
            spec.metaJson(),
            spec.maxAttempts(),
            spec.parent(),
            spec.continueOn() == null ? null : spec.continueOn().name(),
            JobRow.writeConcurrency(spec.concurrency()),
            spec.unique() == null ? null : spec.unique().key(),
            spec.unique() == null ? null : spec.unique().hold().name(),
            spec.unique() == null || spec.unique().ttl() == null
                ? null
                : spec.unique().ttl().toMillis(),
            state.name(),
            now,
            now,
            runAt,
            expireAt,
            inBatch == null || index == members ? null : inBatch.id().value());
        insert.addBatch();
        batch.put(id, state);
        tx.history(id, state, null, null, reason);
        if (state == JobState.ENQUEUED) {
          tx.jobsAvailable(spec.queue());
        }
        results.add(CreateResult.created(id, state));
      }
      if (!batch.isEmpty()) {
        insert.executeBatch();
      }
    }
    for (JobId parent : parentsToMark) {
      tx.update(MARK_PARENT, parent);
    }
    return results;
  }

  private static Map<JobId, JobState> existing(Tx tx, List<NewJob> jobs) throws SQLException {
    List<UUID> ids = jobs.stream().map(j -> j.spec().id().value()).toList();
    Map<JobId, JobState> found = new HashMap<>();
    boolean withClock = tx.dialect == Dialect.POSTGRES && tx.nowIfKnown() == null;
    try (PreparedStatement ps = tx.prepare(withClock ? CLOCK_AND_EXISTING : EXISTING)) {
      ps.setArray(1, tx.uuids(ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JobId id = Sql.jobId(rs, "id");
          if (id == null) {
            tx.nowIs(Sql.instant(rs, "ts"));
          } else {
            found.put(id, JobState.valueOf(rs.getString("state")));
          }
        }
      }
    }
    return found;
  }

  static JobState stateOf(Tx tx, JobId id) throws SQLException {
    try (PreparedStatement ps = tx.prepare(STATE_OF)) {
      ps.setObject(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? JobState.valueOf(rs.getString(1)) : null;
      }
    }
  }

  /**
   * Takes the key for {@code id}; returns null when taken, else the job that holds it. An expired
   * TTL key, or one whose holder was purged, is taken over.
   */
  static JobId takeUnique(Tx tx, Uniqueness unique, JobId id, Instant now, Set<JobId> pending)
      throws SQLException {
    Instant expireAt = unique.ttl() == null ? null : now.plus(unique.ttl());
    if (tx.update(TAKE_UNIQUE, unique.key(), id, expireAt) == 1) {
      return null;
    }
    JobId holder;
    Instant holderExpiry;
    try (PreparedStatement ps = tx.prepare(UNIQUE_HOLDER)) {
      ps.setString(1, unique.key());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return takeUnique(tx, unique, id, now, pending);
        }
        holder = Sql.jobId(rs, "job_id");
        holderExpiry = Sql.instant(rs, "expire_at");
      }
    }
    boolean expired = holderExpiry != null && !holderExpiry.isAfter(now);
    if (holder.equals(id)) {
      return null;
    }
    boolean purged =
        holderExpiry == null && !pending.contains(holder) && stateOf(tx, holder) == null;
    if (expired || purged) {
      tx.update(MOVE_UNIQUE, id, expireAt, unique.key());
      return null;
    }
    return holder;
  }
}
