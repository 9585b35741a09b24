package dev.baton.tck.spi;

import dev.baton.job.JobId;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.StorageListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A listener that remembers every notification, for assertions under Awaitility. */
public final class RecordingListener implements StorageListener {
  /** A heard revocation; {@code token} is null when the storage did not name the lease. */
  public record Revoked(String serverId, JobId jobId, Long token) {}

  private final List<String> available = new CopyOnWriteArrayList<>();
  private final List<Revoked> revoked = new CopyOnWriteArrayList<>();
  private final List<LeasedJob> handedOver = new CopyOnWriteArrayList<>();
  private final AtomicInteger resumed = new AtomicInteger();

  @Override
  public void jobsAvailable(String queue) {
    available.add(queue);
  }

  @Override
  public void leaseRevoked(Lease lease) {
    revoked.add(new Revoked(lease.serverId(), lease.jobId(), lease.token()));
  }

  @Override
  public void leaseRevoked(String serverId, JobId jobId) {
    revoked.add(new Revoked(serverId, jobId, null));
  }

  @Override
  public void jobHandedOver(LeasedJob job) {
    handedOver.add(job);
  }

  @Override
  public void pushResumed() {
    resumed.incrementAndGet();
  }

  public boolean heardJobsAvailable(String queue) {
    return available.contains(queue);
  }

  public boolean heardRevoked(String serverId, JobId jobId) {
    return revoked.stream().anyMatch(r -> r.serverId().equals(serverId) && r.jobId().equals(jobId));
  }

  /** Whether a revocation of exactly this lease (server, job and fencing token) was heard. */
  public boolean heardRevoked(Lease lease) {
    return revoked.contains(new Revoked(lease.serverId(), lease.jobId(), lease.token()));
  }

  /** Every hand-over heard so far, in the order heard, duplicates included. */
  public List<LeasedJob> handedOver() {
    return List.copyOf(handedOver);
  }

  /** The hand-overs heard for {@code serverId}. */
  public List<LeasedJob> handedOverTo(String serverId) {
    return handedOver.stream().filter(j -> j.lease().serverId().equals(serverId)).toList();
  }

  /** How many times the storage said its push channel resumed. */
  public int resumedCount() {
    return resumed.get();
  }

  /** Forgets what was heard so far. */
  public void clear() {
    available.clear();
    revoked.clear();
    handedOver.clear();
    resumed.set(0);
  }
}
