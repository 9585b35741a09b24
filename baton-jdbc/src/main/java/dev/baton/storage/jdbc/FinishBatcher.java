package dev.baton.storage.jdbc;

import dev.baton.BatonException;
import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.storage.Completion;
import dev.baton.storage.Lease;
import dev.baton.storage.RunOutcome;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Group commit for {@code finish}: the finishes that workers call while one group is being written
 * are written together in the next transaction, which locks all their rows with one query (in id
 * order) and writes them with one batch. Each finish stays all-or-nothing (a group is; if a group
 * fails, its finishes are run again one by one, so one bad finish cannot fail another). Under load
 * this turns N commits into one; alone, a finish costs one hand-over to the finisher thread.
 */
final class FinishBatcher implements AutoCloseable {
  /** Most finishes written in one transaction. */
  static final int MAX_GROUP = 500;

  private static final String LOCK_ALL =
      "SELECT " + JobRow.COLUMNS + " FROM baton_jobs WHERE id = ANY(?) ORDER BY id FOR UPDATE";

  // One statement finishes every job of the group that needs nothing beyond its own row (no
  // permits, no uniqueness key to release, no continuations) and writes their history. Parameters:
  // the transaction's time if known (else the clock is read), then one array per column of v. The
  // finish's renewal of its servers' last beats is not part of it: the statement runs in a
  // transaction, and applyAll renews after the commit (ServerOps.renewAlone).
  // The expected state comes from v, not a literal: a literal would let the planner read the rows
  // through an index on state (baton_jobs_state, baton_jobs_owner), whose entries of rows that
  // were PROCESSING pile up until vacuum; joined through v, the rows are read by primary key.
  private static final String FINISH_SIMPLE =
      """
      WITH t AS MATERIALIZED (SELECT COALESCE(CAST(? AS timestamptz), clock_timestamp()) AS ts),
      v AS MATERIALIZED (
        SELECT *, CAST('PROCESSING' AS VARCHAR(16)) AS expected FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS bigint[]),
          CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS int[]),
          CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
          CAST(? AS text[]))
        AS v(id, owner, token, target, expire_us, run_us, bump, worker, reason, error_type,
          error_message, error_stack)),
      u AS (
        UPDATE baton_jobs j SET state = v.target, owner = NULL, state_at = t.ts,
          run_at = t.ts + v.run_us * INTERVAL '1 microsecond',
          expire_at = t.ts + v.expire_us * INTERVAL '1 microsecond', attempt = j.attempt + v.bump
        FROM v, t
        WHERE j.id = v.id AND j.state = v.expected AND j.owner = v.owner
          AND j.fencing_token = v.token AND j.concurrency_json IS NULL AND NOT j.has_children
          AND j.batch_id IS NULL
          AND (j.unique_key IS NULL OR j.unique_hold = 'TTL')
        RETURNING j.id, j.queue, v.target),
      h AS (
        INSERT INTO baton_history
          (job_id, state, at, server_id, worker, reason, error_type, error_message, error_stack)
        SELECT v.id, v.target, t.ts, v.owner, v.worker, v.reason, v.error_type, v.error_message,
          v.error_stack
        FROM u JOIN v ON v.id = u.id CROSS JOIN t)
      SELECT u.id, u.queue, u.target, t.ts FROM u CROSS JOIN t
      """;

  /** The element types of FINISH_SIMPLE's arrays, in the order of v's columns. */
  private static final String[] ARRAY_TYPES = {
    "uuid", "text", "int8", "text", "int8", "int8", "int4", "text", "text", "text", "text", "text"
  };

  private record Pending(Completion completion, CompletableFuture<Boolean> result) {}

  private final Database db;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  FinishBatcher(Database db) {
    this.db = db;
    this.thread = new Thread(this::loop, "baton-jdbc-finisher");
    thread.setDaemon(true);
    thread.start();
  }

  boolean finish(Lease lease, String worker, RunOutcome outcome) {
    if (closed) {
      return db.tx("finish", tx -> JobOps.finish(tx, lease, worker, outcome));
    }
    Pending p = new Pending(new Completion(lease, worker, outcome), new CompletableFuture<>());
    queue.add(p);
    try {
      return p.result().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private void loop() {
    List<Pending> group = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        queue.drainTo(group, MAX_GROUP - 1);
        write(group);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } finally {
        group.clear();
      }
    }
  }

  private void write(List<Pending> group) {
    List<Completion> completions = group.stream().map(Pending::completion).toList();
    List<Boolean> results;
    try {
      results = applyAll(completions);
    } catch (RuntimeException e) {
      group.forEach(p -> p.result().completeExceptionally(e));
      return;
    }
    for (int i = 0; i < group.size(); i++) {
      group.get(i).result().complete(results.get(i));
    }
  }

  /**
   * {@code finishAll}: all in one transaction; if that fails, one transaction each, so that one bad
   * completion cannot fail another; if any of those fails, the first error is rethrown after the
   * others were applied. A finish is proof of life: the last beats of the finishing servers are
   * renewed after the commit, by a statement of their own ({@link ServerOps#renewAlone}), never in
   * the finish's transaction, whose lock on a server row a frozen server would hold.
   */
  List<Boolean> applyAll(List<Completion> completions) {
    if (completions.isEmpty()) {
      return List.of();
    }
    // Only once the finishes are written: a call that failed (the database may be out of reach)
    // is not delayed by a renewal bound to fail too.
    List<Boolean> results = applyEach(completions);
    ServerOps.renewAlone(db, servers(completions));
    return results;
  }

  private List<Boolean> applyEach(List<Completion> completions) {
    if (completions.size() == 1) {
      return db.tx("finish", tx -> finishAll(tx, completions));
    }
    try {
      return db.tx("finish", tx -> finishAll(tx, completions));
    } catch (RuntimeException e) {
      // fall through: one by one
    }
    List<Boolean> results = new ArrayList<>(completions.size());
    RuntimeException first = null;
    for (Completion c : completions) {
      try {
        results.add(db.tx("finish", tx -> finishAll(tx, List.of(c)).get(0)));
      } catch (RuntimeException e) {
        first = first == null ? e : first;
        results.add(false);
      }
    }
    if (first != null) {
      throw first; // the server retries; completions applied meanwhile are then refused, as
      // specified
    }
    return results;
  }

  /** The work of one finish transaction (package-private for tests that hold it open). */
  static List<Boolean> finishAll(Tx tx, List<Completion> all) throws SQLException {
    Boolean[] results = new Boolean[all.size()];
    if (tx.dialect == Dialect.POSTGRES) {
      finishSimple(tx, all, results);
    }
    List<Completion> group = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (results[i] == null) {
        group.add(all.get(i));
      }
    }
    if (!group.isEmpty()) {
      List<Boolean> careful = finishLocked(tx, group);
      for (int i = 0, j = 0; i < all.size(); i++) {
        if (results[i] == null) {
          results[i] = careful.get(j++);
        }
      }
    }
    return java.util.Arrays.asList(results);
  }

  /** The servers whose leases {@code all} finish: nearly always one. */
  private static List<String> servers(List<Completion> all) {
    String first = all.get(0).lease().serverId();
    for (Completion c : all) {
      if (!c.lease().serverId().equals(first)) {
        return all.stream().map(x -> x.lease().serverId()).distinct().toList();
      }
    }
    return List.of(first);
  }

  /**
   * The set-based path: marks {@code true} in {@code results} the completions it applied. The first
   * completion of each job is tried (a later one for the same job is judged by the careful path,
   * after it); a completion it does not apply (a stale lease, or a job that needs more than its
   * row) is left to the careful path.
   */
  private static void finishSimple(Tx tx, List<Completion> all, Boolean[] results)
      throws SQLException {
    int n = all.size();
    List<Integer> tried = new ArrayList<>(n);
    java.util.Set<JobId> seen = new java.util.HashSet<>();
    List<List<Object>> columns = new ArrayList<>();
    for (int k = 0; k < ARRAY_TYPES.length; k++) {
      columns.add(new ArrayList<>(n));
    }
    for (int i = 0; i < n; i++) {
      Completion c = all.get(i);
      RunOutcome o = c.outcome();
      Duration expire =
          o instanceof RunOutcome.Succeeded s
              ? s.retention()
              : o instanceof RunOutcome.Deleted d ? d.retention() : null;
      Duration run = o instanceof RunOutcome.Retry r ? r.delay() : null;
      Long expireUs = micros(expire);
      Long runUs = micros(run);
      if ((expire != null && expireUs == null)
          || (run != null && runUs == null)
          || !seen.add(c.lease().jobId())) {
        continue;
      }
      ExceptionInfo error =
          o instanceof RunOutcome.Failed f
              ? f.error()
              : o instanceof RunOutcome.Retry r ? r.error() : null;
      tried.add(i);
      Object[] row = {
        c.lease().jobId().value(),
        c.lease().serverId(),
        c.lease().token(),
        o.target().name(),
        expireUs,
        runUs,
        o instanceof RunOutcome.Retry r && r.spendsAttempt() ? 1 : 0,
        c.worker(),
        o.reason() == null ? "" : o.reason(),
        error == null ? null : error.type(),
        error == null ? null : error.message(),
        error == null ? null : error.stackTrace()
      };
      for (int k = 0; k < row.length; k++) {
        columns.get(k).add(row[k]);
      }
    }
    if (tried.isEmpty()) {
      return;
    }
    java.util.Set<JobId> done = new java.util.HashSet<>();
    try (PreparedStatement ps = tx.prepare(FINISH_SIMPLE)) {
      tx.bindNowIfKnown(ps, 1);
      for (int k = 0; k < ARRAY_TYPES.length; k++) {
        // Typed element arrays: pgjdbc sends Long[] and Integer[] in binary, String[] without
        // inspecting each element's class.
        Object[] values =
            switch (ARRAY_TYPES[k]) {
              case "int8" -> columns.get(k).toArray(new Long[0]);
              case "int4" -> columns.get(k).toArray(new Integer[0]);
              default ->
                  columns.get(k).stream()
                      .map(v -> v == null ? null : v.toString())
                      .toArray(String[]::new);
            };
        ps.setArray(k + 2, tx.c.createArrayOf(ARRAY_TYPES[k], values));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          done.add(new JobId(rs.getObject(1, UUID.class)));
          if (JobState.ENQUEUED.name().equals(rs.getString(3))) {
            tx.jobsAvailable(rs.getString(2));
          }
          if (tx.nowIfKnown() == null) {
            tx.nowIs(Sql.instant(rs, 4));
          }
        }
      }
    }
    for (int i : tried) {
      if (done.contains(all.get(i).lease().jobId())) {
        results[i] = true;
      }
    }
  }

  /** Microseconds of {@code d}, or null if null or too long for a bigint of microseconds. */
  private static Long micros(Duration d) {
    if (d == null) {
      return null;
    }
    try {
      return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** The careful path: every row locked (in id order), then permit rows, then one job at a time. */
  private static List<Boolean> finishLocked(Tx tx, List<Completion> group) throws SQLException {
    List<UUID> ids =
        group.stream()
            .map(c -> c.lease().jobId().value())
            .distinct()
            .sorted(Comparator.naturalOrder())
            .toList();
    Map<JobId, JobRow> rows = new HashMap<>();
    try (PreparedStatement ps = tx.prepare(LOCK_ALL)) {
      ps.setArray(1, tx.uuids(ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JobRow row = JobRow.read(rs);
          rows.put(row.id(), row);
        }
      }
    }
    // Every permit row the group may release, locked up front in key order, as a claim locks them:
    // locking them job by job could deadlock against a claim.
    java.util.TreeSet<String> keys = new java.util.TreeSet<>();
    for (JobRow row : rows.values()) {
      row.concurrency().permits().stream().filter(p -> !p.isRate()).forEach(p -> keys.add(p.key()));
    }
    if (!keys.isEmpty()) {
      Moves.lockPermits(tx, new ArrayList<>(keys));
    }
    List<Boolean> results = new ArrayList<>(group.size());
    for (Completion c : group) {
      JobRow row = rows.get(c.lease().jobId());
      boolean done = JobOps.finishLocked(tx, row, c.lease(), c.worker(), c.outcome());
      if (done) {
        rows.remove(c.lease().jobId()); // a second completion of the same job finds it gone
      }
      results.add(done);
    }
    return results;
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Pending p;
    while ((p = queue.poll()) != null) {
      p.result()
          .completeExceptionally(new BatonException("storage closed before finish was written"));
    }
  }
}
