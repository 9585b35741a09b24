package dev.baton.tck.server;

import dev.baton.storage.JobStorage;
import dev.baton.storage.StorageListener;
import dev.baton.tck.StorageInterceptor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's connection to the storage under test whose calls a test can hold up: {@link #block}
 * makes calls of the named methods wait before they reach the storage (a hung socket), {@link
 * #fail} makes them throw at once (a refused connection), {@link #holdAnswers} lets a claim that
 * leased jobs reach the storage but keeps its answer until {@link #releaseAnswers()}. Pushes of
 * revoked leases can be dropped, so that only the heartbeat can tell a server it was rescued.
 */
final class ControlledConnection {
  private static final List<String> CLAIMS = List.of("claim", "claimOrOffer");
  private static final long MAX_BLOCK_SECONDS = 30;

  private final Set<String> blocked = ConcurrentHashMap.newKeySet();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final AtomicInteger claimsAsked = new AtomicInteger();
  private volatile CountDownLatch open = new CountDownLatch(1);
  private volatile CountDownLatch answers = new CountDownLatch(0);
  private volatile boolean holdAnswers;
  private volatile boolean dropRevocations;
  private final CountDownLatch answerHeld = new CountDownLatch(1);
  private final JobStorage storage;

  ControlledConnection(JobStorage real) {
    JobStorage s = real;
    for (String method :
        List.of(
            "heartbeat", "claim", "claimOrOffer", "finish", "finishAll", "report", "leasedTo")) {
      s = StorageInterceptor.around(s, method, call -> gate(method, call));
    }
    s =
        StorageInterceptor.before(
            s, "subscribe", args -> args[0] = new Filter((StorageListener) args[0]));
    for (String claim : CLAIMS) {
      s =
          StorageInterceptor.before(
              s,
              claim,
              args -> {
                if ((int) args[2] > 0) { // not the withdrawal of an offer
                  claimsAsked.incrementAndGet();
                }
              });
    }
    this.storage = s;
  }

  JobStorage storage() {
    return storage;
  }

  /** Calls of these methods wait, before reaching the storage, until {@link #unblock()}. */
  synchronized void block(String... methods) {
    if (blocked.isEmpty()) {
      open = new CountDownLatch(1);
    }
    blocked.addAll(List.of(methods));
  }

  synchronized void unblock() {
    blocked.clear();
    open.countDown();
  }

  /** Calls of these methods fail at once, until {@link #heal()}. */
  void fail(String... methods) {
    failing.addAll(List.of(methods));
  }

  void heal() {
    failing.clear();
  }

  /** The next claims that lease jobs reach the storage; their answers wait. */
  void holdAnswers() {
    answers = new CountDownLatch(1);
    holdAnswers = true;
  }

  /** Waits until a claim's answer is held. */
  boolean awaitHeldAnswer() throws InterruptedException {
    return answerHeld.await(10, TimeUnit.SECONDS);
  }

  void releaseAnswers() {
    holdAnswers = false;
    answers.countDown();
  }

  /** Drops the storage's pushes of revoked leases to this server. */
  void dropRevocations() {
    dropRevocations = true;
  }

  /** Claims asked for so far (for at least one job; withdrawals of an offer are not counted). */
  int claimsAsked() {
    return claimsAsked.get();
  }

  private Object gate(String method, StorageInterceptor.Call call) throws Throwable {
    if (failing.contains(method)) {
      throw new IllegalStateException("storage unreachable (test): " + method);
    }
    if (blocked.contains(method)) {
      CountDownLatch latch = open;
      if (blocked.contains(method) && !latch.await(MAX_BLOCK_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("blocked too long (test): " + method);
      }
    }
    Object result = call.get();
    if (holdAnswers && CLAIMS.contains(method) && !((List<?>) result).isEmpty()) {
      answerHeld.countDown();
      answers.await(MAX_BLOCK_SECONDS, TimeUnit.SECONDS);
    }
    return result;
  }

  /** Passes every push on, except revocations when told to drop them. */
  private final class Filter implements StorageListener {
    private final StorageListener listener;

    Filter(StorageListener listener) {
      this.listener = listener;
    }

    @Override
    public void jobsAvailable(String queue) {
      listener.jobsAvailable(queue);
    }

    @Override
    public void leaseRevoked(dev.baton.storage.Lease revoked) {
      if (!dropRevocations) {
        listener.leaseRevoked(revoked);
      }
    }

    @Override
    public void leaseRevoked(String serverId, dev.baton.job.JobId jobId) {
      if (!dropRevocations) {
        listener.leaseRevoked(serverId, jobId);
      }
    }

    @Override
    public void jobHandedOver(dev.baton.storage.LeasedJob job) {
      listener.jobHandedOver(job);
    }

    @Override
    public void pushResumed() {
      listener.pushResumed();
    }
  }
}
