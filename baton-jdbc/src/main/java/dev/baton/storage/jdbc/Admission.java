package dev.baton.storage.jdbc;

import dev.baton.concurrency.Permit;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The admission check of one claim round. The permit rows of every key the candidates name are
 * locked first, in key order (so two claimers, or a claimer and a finisher, cannot deadlock); then
 * each candidate, in queue order, takes all its permits or none. A job that is already a holder (a
 * retry under {@code ON_FINAL}) keeps its permit. A woken waiter keeps its place in line (its
 * blocked_key and blocked_seq stay while it is ENQUEUED): it is admitted ahead of the waiters
 * behind it, and no newcomer barges past it.
 */
final class Admission {
  private static final String ENSURE_KEY =
      "INSERT INTO baton_permits (permit_key, kind, max_count, window_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
  // The holders of the keys (job_id set, in acquisition order), and the first other waiter of each
  // (seq set): one round trip.
  private static final String HOLDERS_AND_FIRST_WAITERS =
      """
      SELECT permit_key, job_id, CAST(NULL AS BIGINT) AS seq, acquired_at
      FROM baton_permit_holders WHERE permit_key = ANY(?)
      UNION ALL
      SELECT blocked_key, CAST(NULL AS UUID), MIN(blocked_seq), CAST(NULL AS TIMESTAMP WITH TIME ZONE)
      FROM baton_jobs
      WHERE state IN ('BLOCKED', 'ENQUEUED') AND blocked_key = ANY(?) AND NOT (id = ANY(?))
      GROUP BY blocked_key
      ORDER BY 4
      """;
  // ENQUEUED jobs of the candidates' queue, ahead of the last candidate, that this round does not
  // hold: another claim's candidates (locked by it, so SKIP LOCKED passed them by), jobs committed
  // after the candidates were read, and this claim's earlier candidates left for the next claim.
  // Parameters: queue, last candidate's queue position, candidate ids.
  private static final String OTHERS_AHEAD =
      """
      SELECT queue_pos, blocked_key, blocked_seq, concurrency_json FROM baton_jobs
      WHERE state = 'ENQUEUED' AND queue = ? AND queue_pos < ? AND concurrency_json IS NOT NULL
        AND NOT (id = ANY(?))
      """;
  private static final String STARTS =
      "SELECT started_at FROM baton_rate_starts WHERE permit_key = ? AND started_at > ? ORDER BY started_at";
  private static final String TAKE_HOLDER =
      "INSERT INTO baton_permit_holders (permit_key, job_id, acquired_at) VALUES (?, ?, ?)";
  private static final String TAKE_START =
      "INSERT INTO baton_rate_starts (permit_key, job_id, started_at, expire_at) VALUES (?, ?, ?, ?)";
  private static final String PARK =
      """
      UPDATE baton_jobs SET state = 'BLOCKED', state_at = ?, blocked_key = ?, blocked_seq = ?,
        blocked_since = ?, blocked_deadline = ?, wake_at = ?
      WHERE id = ?
      """;
  private static final String RESCHEDULE =
      """
      UPDATE baton_jobs SET state = 'SCHEDULED', state_at = ?, run_at = ?, blocked_tries = ?,
        blocked_key = NULL, blocked_seq = NULL, blocked_since = NULL, blocked_deadline = NULL,
        wake_at = NULL
      WHERE id = ?
      """;

  private static final String TRY_LOCK_PERMITS =
      """
      SELECT permit_key FROM baton_permits WHERE permit_key = ANY(?) ORDER BY permit_key
      FOR UPDATE SKIP LOCKED
      """;

  private final Tx tx;
  private final List<JobRow> candidates;
  private final java.util.Set<String> locked;
  private final java.util.Set<String> unavailable = new java.util.HashSet<>();
  private final Map<String, List<JobId>> holders = new HashMap<>();

  /** Per key, the line as far as this round needs it: the first other waiter and our candidates. */
  private final Map<String, java.util.TreeSet<Long>> line = new HashMap<>();

  private final Map<String, List<Instant>> starts = new HashMap<>();

  /**
   * Per key, the earliest place in its line of an ENQUEUED job that another claim holds ({@link
   * #OTHERS_AHEAD}): it is not in the line yet, but it will be before the candidates behind it.
   */
  private final Map<String, Long> othersAhead = new HashMap<>();

  /** Longer than an uncontended lock of a few permit rows takes, even across processes. */
  private static final long WAITED_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2);

  private boolean deferred;

  /**
   * @param locked the permit rows this transaction locked in earlier rounds of the same claim;
   *     updated with the ones this round locks
   */
  Admission(Tx tx, List<JobRow> candidates, java.util.Set<String> locked) {
    this.tx = tx;
    this.candidates = candidates;
    this.locked = locked;
  }

  List<JobRow> admit() throws SQLException {
    TreeMap<String, Permit> named = keysOf(candidates);
    if (named.isEmpty()) {
      return candidates;
    }
    // Before the permit rows are locked, so that a claim with nothing to admit does not queue for
    // them. Reading it first misses nothing: another claim's candidate is ENQUEUED here until that
    // claim commits, and what it becomes then (a holder, a waiter) is read after the lock.
    loadOthersAhead(named);
    List<JobRow> contenders = new ArrayList<>();
    for (JobRow row : candidates) {
      if (behindOthers(row)) {
        // An earlier job on one of its keys is another claim's candidate (or was committed after
        // ours were read): it takes its place first, and this job the next claim. Admitting it now
        // would let it barge past that job; parking it would put it in a line with no holder.
        deferred = true;
      } else {
        contenders.add(row);
      }
    }
    TreeMap<String, Permit> keys = keysOf(contenders);
    if (keys.isEmpty()) {
      return contenders;
    }
    load(keys);
    List<JobRow> admitted = new ArrayList<>();
    for (JobRow row : contenders) {
      if (row.concurrency().permits().stream().anyMatch(p -> unavailable.contains(p.key()))) {
        continue; // its permit rows are busy in another transaction: left for the next claim
      }
      Permit busy = firstBusy(row);
      if (busy == null) {
        take(row);
        admitted.add(row);
      } else {
        block(row, busy);
      }
    }
    return admitted;
  }

  private void load(TreeMap<String, Permit> keys) throws SQLException {
    ensure(keys.values());
    List<String> sorted = new ArrayList<>(keys.keySet());
    lock(sorted);
    Instant now = tx.now(); // after the lock: it may have read the clock again
    try (PreparedStatement ps = tx.prepare(HOLDERS_AND_FIRST_WAITERS)) {
      ps.setArray(1, tx.strings(sorted));
      ps.setArray(2, tx.strings(sorted));
      ps.setArray(3, tx.uuids(candidates.stream().map(r -> r.id().value()).toList()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JobId holder = Sql.jobId(rs, "job_id");
          if (holder != null) {
            holders.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(holder);
          } else {
            lineOf(rs.getString(1)).add(rs.getLong("seq"));
          }
        }
      }
    }
    for (JobRow row : candidates) {
      if (row.blockedKey() != null && row.blockedSeq() != null) {
        lineOf(row.blockedKey()).add(row.blockedSeq());
      }
    }
    for (Permit p : keys.values()) {
      if (p.isRate()) {
        List<Instant> list = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare(STARTS)) {
          Sql.bind(ps, p.key(), windowStart(p, now).minusNanos(1000));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              list.add(Sql.instant(rs, 1));
            }
          }
        }
        starts.put(p.key(), list);
      }
    }
  }

  private static TreeMap<String, Permit> keysOf(List<JobRow> rows) {
    TreeMap<String, Permit> keys = new TreeMap<>();
    for (JobRow row : rows) {
      row.concurrency().permits().forEach(p -> keys.putIfAbsent(p.key(), p));
    }
    return keys;
  }

  private void loadOthersAhead(TreeMap<String, Permit> keys) throws SQLException {
    long last = candidates.stream().mapToLong(JobRow::queuePos).max().orElseThrow();
    try (PreparedStatement ps = tx.prepare(OTHERS_AHEAD)) {
      ps.setString(1, candidates.get(0).spec().queue());
      ps.setLong(2, last);
      ps.setArray(3, tx.uuids(candidates.stream().map(r -> r.id().value()).toList()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long pos = rs.getLong(1);
          String blockedKey = rs.getString(2);
          long seq = rs.getLong(3);
          boolean hasSeq = !rs.wasNull();
          for (Permit p : JobRow.readConcurrency(rs.getString(4)).permits()) {
            if (keys.containsKey(p.key())) {
              long place = p.key().equals(blockedKey) && hasSeq ? seq : pos;
              othersAhead.merge(p.key(), place, Math::min);
            }
          }
        }
      }
    }
  }

  /**
   * Whether {@link #admit} left a candidate for the next claim because another claim holds an
   * earlier job on one of its keys. The claim then reads no further in this queue: the candidates
   * behind would mostly wait for the same jobs, and reading on would lock the whole queue against
   * the other claims, which wait for nothing but this transaction's end.
   */
  boolean deferred() {
    return deferred;
  }

  /**
   * Whether a job another claim holds is ahead of {@code row} in the line of one of its keys (a
   * retry that still holds its permit waits too: the holders are not read yet; the job ahead parks
   * behind it, and the next claim admits it).
   */
  private boolean behindOthers(JobRow row) {
    for (Permit p : row.concurrency().permits()) {
      Long other = othersAhead.get(p.key());
      if (other != null && other < placeIn(row, p.key())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The permit lock took longer than an uncontended one: it most likely waited for a finish that
   * released a permit. The transaction's clock was read before (PostgreSQL: by the claim statement;
   * H2: its clock is the transaction's start), so a job admitted now would carry a start time
   * earlier than the holder's end, and its history would show two holders at once (seen in
   * TwoInstancesTest). PostgreSQL reads its clock again; H2's clock cannot move within a
   * transaction, so the claim runs again, once, in a new one.
   */
  private void afterWait() throws SQLException {
    if (tx.dialect == Dialect.POSTGRES) {
      tx.rereadClock();
    } else if (tx.attempt == 1) {
      throw new SQLException("waited for permit rows: claiming again with a fresh clock", "40001");
    }
  }

  /**
   * The first round of a claim waits for its permit rows, locked in key order. A later round may
   * not wait (it would lock out of order, and two claims could deadlock): it takes what is free
   * now.
   */
  private void lock(List<String> sorted) throws SQLException {
    if (locked.isEmpty()) {
      long start = System.nanoTime();
      Moves.lockPermits(tx, sorted);
      locked.addAll(sorted);
      if (System.nanoTime() - start > WAITED_NANOS) {
        afterWait();
      }
      return;
    }
    List<String> wanted = sorted.stream().filter(k -> !locked.contains(k)).toList();
    if (wanted.isEmpty()) {
      return;
    }
    java.util.Set<String> got = new java.util.HashSet<>();
    try (PreparedStatement ps = tx.prepare(TRY_LOCK_PERMITS)) {
      ps.setArray(1, tx.strings(wanted));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          got.add(rs.getString(1));
        }
      }
    }
    locked.addAll(got);
    wanted.stream().filter(k -> !got.contains(k)).forEach(unavailable::add);
  }

  /**
   * Creates the missing permit rows. Before the lock, not after a lock-first attempt: creating a
   * key after locking a later one would lock out of key order, and two claims creating keys at once
   * could deadlock (on H2 that costs a 10 s lock timeout).
   */
  private void ensure(java.util.Collection<Permit> permits) throws SQLException {
    try (PreparedStatement ps = tx.prepare(ENSURE_KEY)) {
      for (Permit p : permits) {
        Sql.bind(
            ps,
            p.key(),
            p.kind().name(),
            p.limit(),
            p.window() == null ? null : p.window().toMillis());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Start of the window that counts at {@code now}: epoch-aligned (fixed) or trailing (sliding).
   */
  static Instant windowStart(Permit p, Instant now) {
    long w = p.window().toMillis();
    if (p.kind() == Permit.Kind.RATE_FIXED) {
      return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), w) * w);
    }
    return now.minusMillis(w).plusNanos(1000);
  }

  private int used(Permit p) throws SQLException {
    if (!p.isRate()) {
      return holders.getOrDefault(p.key(), List.of()).size();
    }
    Instant from = windowStart(p, tx.now());
    return (int)
        starts.getOrDefault(p.key(), List.of()).stream().filter(t -> !t.isBefore(from)).count();
  }

  private Permit firstBusy(JobRow row) throws SQLException {
    for (Permit p : row.concurrency().permits()) {
      if (!p.isRate() && holders.getOrDefault(p.key(), List.of()).contains(row.id())) {
        continue;
      }
      if (used(p) >= p.limit() || waiterAhead(row, p.key())) {
        return p;
      }
    }
    return null;
  }

  private java.util.TreeSet<Long> lineOf(String key) {
    return line.computeIfAbsent(key, k -> new java.util.TreeSet<>());
  }

  /**
   * A job's place in a key's line is its queue position (enqueue order), kept while it waits and
   * after it is woken; a job not yet in the line would enter it at its queue position.
   */
  private static long placeIn(JobRow row, String key) {
    return key.equals(row.blockedKey()) && row.blockedSeq() != null
        ? row.blockedSeq()
        : row.queuePos();
  }

  private boolean waiterAhead(JobRow row, String key) {
    java.util.TreeSet<Long> waiting = line.get(key);
    return waiting != null && !waiting.isEmpty() && waiting.first() < placeIn(row, key);
  }

  private void leaveLine(JobRow row) {
    if (row.blockedKey() != null && row.blockedSeq() != null) {
      lineOf(row.blockedKey()).remove(row.blockedSeq());
    }
  }

  private void take(JobRow row) throws SQLException {
    // A permit grant must not be lost (see ClaimOp.claim): this claim commits durably.
    tx.durableMove = true;
    leaveLine(row);
    Instant now = tx.now();
    for (Permit p : row.concurrency().permits()) {
      if (p.isRate()) {
        tx.update(TAKE_START, p.key(), row.id(), now, now.plus(p.window()));
        starts.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(now);
      } else if (!holders.getOrDefault(p.key(), List.of()).contains(row.id())) {
        tx.update(TAKE_HOLDER, p.key(), row.id(), now);
        holders.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(row.id());
      }
    }
  }

  /** When the rate window of {@code p} has room again. */
  private Instant wakeAt(Permit p) throws SQLException {
    Instant now = tx.now();
    if (p.kind() == Permit.Kind.RATE_FIXED) {
      return windowStart(p, now).plus(p.window());
    }
    Instant from = windowStart(p, now);
    List<Instant> inWindow =
        starts.getOrDefault(p.key(), List.of()).stream()
            .filter(t -> !t.isBefore(from))
            .sorted()
            .toList();
    int over = inWindow.size() - p.limit();
    Instant oldest = inWindow.isEmpty() ? now : inWindow.get(Math.max(0, over));
    return oldest.plus(p.window());
  }

  private void block(JobRow row, Permit p) throws SQLException {
    tx.durableMove = true;
    Instant now = tx.now();
    List<JobId> heldBy = holders.getOrDefault(p.key(), List.of());
    Instant wake = p.isRate() ? wakeAt(p) : null;
    String why = ClaimOp.describe(p, heldBy, used(p), wake);
    WaitPolicy policy = row.concurrency().waitPolicy();
    leaveLine(row);
    if (policy.mode() == WaitPolicy.Mode.RESCHEDULE) {
      int tries = row.blockedTries() + 1;
      String holder = heldBy.isEmpty() ? p.key() : "job " + heldBy.get(0);
      if (tries >= policy.maxAttempts()) {
        Moves.deleteRow(
            tx,
            row,
            "blocked by " + holder + ", all attempts exhausted",
            now.plus(Moves.SYSTEM_RETENTION),
            null);
      } else {
        tx.update(RESCHEDULE, now, now.plus(policy.retryDelay()), tries, row.id());
        tx.history(
            row.id(),
            JobState.SCHEDULED,
            null,
            null,
            "blocked by "
                + holder
                + " ("
                + why
                + "), retry "
                + tries
                + " of "
                + policy.maxAttempts()
                + " in "
                + policy.retryDelay());
      }
      return;
    }
    long seq = placeIn(row, p.key());
    Instant since = row.blockedSince() != null ? row.blockedSince() : now;
    Instant deadline =
        policy.maxWait() == null
            ? null
            : row.blockedDeadline() != null ? row.blockedDeadline() : since.plus(policy.maxWait());
    tx.update(PARK, now, p.key(), seq, since, deadline, wake, row.id());
    tx.history(row.id(), JobState.BLOCKED, null, null, "waiting for " + why);
    lineOf(p.key()).add(seq);
    if (!p.isRate() && used(p) < p.limit()) {
      // Parked only behind earlier waiters while a permit is free: make sure the first of them is
      // woken, or the line would wait for a release that no holder will make.
      Moves.wakeWaiters(tx, p, null);
    }
  }
}
