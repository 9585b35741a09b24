package dev.baton.storage;

import dev.baton.job.JobId;
import java.time.Instant;
import java.util.List;

/** A server declared dead by {@link JobStorage#rescueDeadServers}, and the jobs taken from it. */
public record RescuedServer(String serverId, Instant lastBeat, List<JobId> requeued) {
  public RescuedServer {
    requeued = List.copyOf(requeued);
  }
}
