package dev.baton.tck.concurrency;

import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobRequest;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.tck.server.ServerSuite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Base of the end-to-end concurrency suites: real servers (each on its own storage client) with the
 * server kit's short intervals, enqueueing through {@link dev.baton.client.BatonClient}, plus what
 * these suites share: many jobs at once, waiting for many, and the storage's claim times.
 */
public abstract class ConcurrencySuite extends ServerSuite {
  /** Bound for waits that depend on many jobs or on a rescue: a slow box is not a failure. */
  protected static final Duration PATIENCE = Duration.ofSeconds(30);

  /** Most jobs {@link #awaitAll} reads in one look. */
  private static final int IDS_PER_LOOK = 100;

  /** Starts a server with {@code workers} workers and the server kit's short intervals. */
  protected BatonServer startServer(
      String serverId, int workers, UnaryOperator<BatonServer.Builder> handlers) {
    return startServer(
        fastConfig(serverId).workers(workers).rescueInterval(Duration.ofMillis(100)).build(),
        handlers);
  }

  protected <A> EnqueueResult enqueue(JobType<A> type, A args, JobOptions options) {
    return client().enqueue(type, args, options);
  }

  protected <A> JobId enqueue(JobType<A> type, A args) {
    return client().enqueue(type, args).id();
  }

  /** Creates all requests, 500 per storage call; returns their ids in order. */
  protected List<JobId> enqueueAll(List<JobRequest> requests) {
    List<JobId> ids = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += 500) {
      client()
          .enqueueAll(requests.subList(from, Math.min(requests.size(), from + 500)))
          .forEach(r -> ids.add(r.id()));
    }
    return ids;
  }

  protected JobState state(JobId id) {
    return view(id).state();
  }

  /**
   * Waits, up to {@link #PATIENCE}, until every job is in {@code state}, a final one (a job found
   * in it is not read again). One look reads at most {@value #IDS_PER_LOOK} jobs: a look at
   * thousands of jobs, one read each, took longer than the whole patience on a loaded machine
   * (Redis LedgerFuzz, 2,000 jobs), and failed although every job had succeeded.
   */
  protected void awaitAll(Collection<JobId> ids, JobState state) {
    if (!state.isFinal()) {
      throw new IllegalArgumentException("awaitAll waits for a final state, got " + state);
    }
    Set<JobId> left = new LinkedHashSet<>(ids);
    await(ids.size() + " jobs in " + state)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Iterator<JobId> it = left.iterator();
              for (int looked = 0; it.hasNext() && looked < IDS_PER_LOOK; looked++) {
                if (state(it.next()) != state) {
                  return false;
                }
                it.remove();
              }
              return left.isEmpty();
            });
  }

  /** As {@link #awaitState}, but up to {@link #PATIENCE}. */
  protected JobView awaitPatiently(JobId id, JobState state) {
    await("job " + id + " in " + state)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> state(id) == state);
    return view(id);
  }

  /** When each job was claimed (storage clock): the time of every PROCESSING history entry. */
  protected List<Instant> claimTimes(Collection<JobId> ids) {
    List<Instant> times = new ArrayList<>();
    for (JobId id : ids) {
      entries(view(id), JobState.PROCESSING).stream().map(StateEntry::at).forEach(times::add);
    }
    return times;
  }
}
