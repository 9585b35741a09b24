package dev.baton.storage.jdbc;

import dev.baton.BatonException;
import dev.baton.job.JobId;
import dev.baton.storage.Completion;
import dev.baton.storage.Lease;
import dev.baton.storage.RunOutcome;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
   * others were applied.
   */
  List<Boolean> applyAll(List<Completion> completions) {
    if (completions.size() > 1) {
      try {
        return db.tx("finish", tx -> finishAll(tx, completions));
      } catch (RuntimeException e) {
        // fall through: one by one
      }
    }
    List<Boolean> results = new ArrayList<>(completions.size());
    RuntimeException first = null;
    for (Completion c : completions) {
      try {
        results.add(db.tx("finish", tx -> JobOps.finish(tx, c.lease(), c.worker(), c.outcome())));
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

  private static List<Boolean> finishAll(Tx tx, List<Completion> group) throws SQLException {
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
