package dev.baton.storage;

import dev.baton.job.JobId;
import java.util.Objects;

/**
 * Proof that a server owns a running job. {@code token} is the job's fencing token: monotonic per
 * job, bumped on every claim. Every worker-side write names the lease and is applied only if the
 * job is still PROCESSING, owned by {@code serverId}, with this very token.
 */
public record Lease(JobId jobId, String serverId, long token) {
  public Lease {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(serverId, "serverId");
  }
}
