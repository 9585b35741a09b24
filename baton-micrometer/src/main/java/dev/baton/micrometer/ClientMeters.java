package dev.baton.micrometer;

import dev.baton.client.ClientListener;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSpec;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client side of {@link BatonMetrics}: jobs created and deleted through a client. */
final class ClientMeters implements ClientListener {
  static final String UNKNOWN = "unknown";
  private static final Logger log = LoggerFactory.getLogger(ClientMeters.class);

  private final JobMeters meters;
  private final JobMonitor monitor;

  /**
   * @param monitor where a deleted job's type and queue are read back, or null
   */
  ClientMeters(JobMeters meters, JobMonitor monitor) {
    this.meters = meters;
    this.monitor = monitor;
  }

  @Override
  public void onCreated(JobSpec spec, CreateResult result) {
    if (result.created()) {
      meters.of(spec.type(), spec.queue()).enqueued.increment();
    }
  }

  @Override
  public void onDeleted(JobId id, JobState previous) {
    Optional<JobSpec> spec = Optional.empty();
    if (monitor != null) {
      try {
        // Deleted jobs are kept (for the delete retention), so the read finds it.
        spec = monitor.job(id).map(JobRecord::spec);
      } catch (RuntimeException e) {
        log.debug("cannot read deleted job {} for its metric tags: {}", id, e.toString());
      }
    }
    meters
        .of(spec.map(JobSpec::type).orElse(UNKNOWN), spec.map(JobSpec::queue).orElse(UNKNOWN))
        .deleted
        .increment();
  }
}
