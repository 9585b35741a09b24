package dev.baton.tck.spi;

import dev.baton.job.JobId;
import dev.baton.storage.StorageListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that remembers every notification, for assertions under Awaitility. */
public final class RecordingListener implements StorageListener {
  /** A heard revocation. */
  public record Revoked(String serverId, JobId jobId) {}

  private final List<String> available = new CopyOnWriteArrayList<>();
  private final List<Revoked> revoked = new CopyOnWriteArrayList<>();

  @Override
  public void jobsAvailable(String queue) {
    available.add(queue);
  }

  @Override
  public void leaseRevoked(String serverId, JobId jobId) {
    revoked.add(new Revoked(serverId, jobId));
  }

  public boolean heardJobsAvailable(String queue) {
    return available.contains(queue);
  }

  public boolean heardRevoked(String serverId, JobId jobId) {
    return revoked.contains(new Revoked(serverId, jobId));
  }

  /** Forgets what was heard so far. */
  public void clear() {
    available.clear();
    revoked.clear();
  }
}
