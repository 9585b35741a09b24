package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobCursor;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSearch;
import dev.baton.storage.JobStorage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs bulk requeues and deletes in the background, a batch of jobs per storage search (keyset
 * cursors, so a million matching jobs never sit in memory), at most a few at once; keeps the newest
 * {@value #KEPT} for their progress to be read.
 */
final class BulkOperations implements AutoCloseable {
  static final int KEPT = 20;
  private static final Logger log = LoggerFactory.getLogger(BulkOperations.class);

  private final Backend backend;
  private final ExecutorService workers;
  private final Deque<BulkOperation> kept = new ArrayDeque<>();
  private final AtomicInteger running = new AtomicInteger();

  BulkOperations(Backend backend) {
    this.backend = backend;
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            backend.config().maxRunningBulk(),
            r -> {
              Thread t = new Thread(r, "baton-dashboard-bulk-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** What a bulk operation applies to: listed ids, or every job a search finds. */
  sealed interface Target {}

  record Ids(List<JobId> ids) implements Target {}

  record Matching(JobSearch search, String description) implements Target {}

  /** Starts {@code action} on {@code target}; empty when too many are running. */
  Optional<BulkOperation> start(Call call, String action, Target target) {
    if (running.incrementAndGet() > backend.config().maxRunningBulk()) {
      running.decrementAndGet();
      return Optional.empty();
    }
    BulkOperation op =
        new BulkOperation(
            UUID.randomUUID().toString(), action, call.principal().name(), Instant.now());
    synchronized (kept) {
      kept.addFirst(op);
      while (kept.size() > KEPT) {
        kept.removeLast();
      }
    }
    String what =
        target instanceof Ids ids
            ? ids.ids().size() + " listed jobs"
            : ((Matching) target).description();
    backend.audit().record(call, "bulk " + action + " " + op.id + " of " + what);
    String reason =
        JobActionsApi.reason(call, action.equals("delete") ? "deleted" : "requeued")
            + " (bulk "
            + op.id
            + ")";
    workers.execute(() -> run(op, target, reason));
    return Optional.of(op);
  }

  Optional<BulkOperation> find(String id) {
    synchronized (kept) {
      return kept.stream().filter(op -> op.id.equals(id)).findFirst();
    }
  }

  private void run(BulkOperation op, Target target, String reason) {
    try {
      if (target instanceof Ids ids) {
        op.matched.set(ids.ids().size());
        for (JobId id : ids.ids()) {
          apply(op, id, reason, JobStorage.DELETABLE);
        }
      } else {
        JobSearch search = ((Matching) target).search();
        // A job that left the filtered state since the search (requeued by someone) is not deleted.
        Set<JobState> from =
            search.state() == null ? JobStorage.DELETABLE : EnumSet.of(search.state());
        JobCursor cursor = null;
        do {
          if (Thread.currentThread().isInterrupted()) {
            op.finish("stopped: the dashboard was closed");
            return;
          }
          JobPage page = backend.monitor().searchJobs(search.after(cursor));
          op.matched.addAndGet(page.items().size());
          for (JobRecord job : page.items()) {
            apply(op, job.spec().id(), reason, from);
          }
          cursor = page.next();
        } while (cursor != null);
      }
      op.finish(null);
      log.info(
          "bulk {} {} finished: {} of {} jobs changed", op.action, op.id, op.changed, op.matched);
    } catch (RuntimeException e) {
      log.warn("bulk {} {} failed after {} jobs", op.action, op.id, op.done, e);
      op.finish("failed after " + op.done.get() + " jobs: " + e.getMessage());
    } finally {
      running.decrementAndGet();
    }
  }

  private void apply(BulkOperation op, JobId id, String reason, Set<JobState> from) {
    boolean changed =
        op.action.equals("delete")
            ? backend
                .storage()
                .delete(id, reason, backend.config().deleteRetention(), from)
                .isPresent()
            : backend.storage().requeue(id, reason).isPresent();
    if (changed) {
      op.changed.incrementAndGet();
    }
    op.done.incrementAndGet();
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
