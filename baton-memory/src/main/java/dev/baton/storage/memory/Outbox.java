package dev.baton.storage.memory;

import dev.baton.job.JobId;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.StorageListener;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications gathered while the storage lock is held and delivered after it is released, so that
 * listener code never runs under the lock.
 */
final class Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final Set<String> queues = new LinkedHashSet<>();
  private final List<Lease> revoked = new ArrayList<>();
  private final List<LeasedJob> handedOver = new ArrayList<>();

  void jobsAvailable(String queue) {
    queues.add(queue);
  }

  void leaseRevoked(String serverId, JobId jobId, long token) {
    revoked.add(new Lease(jobId, serverId, token));
  }

  void handedOver(LeasedJob job) {
    handedOver.add(job);
  }

  /** Moves what was gathered into a new outbox and empties this one. */
  Outbox drain() {
    Outbox out = new Outbox();
    out.queues.addAll(queues);
    out.revoked.addAll(revoked);
    out.handedOver.addAll(handedOver);
    queues.clear();
    revoked.clear();
    handedOver.clear();
    return out;
  }

  void deliver(List<StorageListener> listeners) {
    for (StorageListener listener : listeners) {
      for (Lease r : revoked) {
        try {
          listener.leaseRevoked(r);
        } catch (RuntimeException e) {
          LOG.warn("storage listener failed on leaseRevoked({})", r, e);
        }
      }
      for (LeasedJob h : handedOver) {
        try {
          listener.jobHandedOver(h);
        } catch (RuntimeException e) {
          LOG.warn("storage listener failed on jobHandedOver({})", h.lease(), e);
        }
      }
      for (String queue : queues) {
        try {
          listener.jobsAvailable(queue);
        } catch (RuntimeException e) {
          LOG.warn("storage listener failed on jobsAvailable({})", queue, e);
        }
      }
    }
  }
}
