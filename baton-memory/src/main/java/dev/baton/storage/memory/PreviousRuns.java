package dev.baton.storage.memory;

import dev.baton.job.JobId;
import dev.baton.storage.Lease;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Revoked runs that may still be inside their handlers on a live server, by server: each keeps its
 * job's permits until it ends. The lease itself is on the job ({@link JobEntry#previousRun}).
 */
final class PreviousRuns {
  private final Map<String, Set<JobId>> byServer = new HashMap<>();

  void add(Lease run) {
    byServer.computeIfAbsent(run.serverId(), k -> new LinkedHashSet<>()).add(run.jobId());
  }

  void remove(Lease run) {
    Set<JobId> jobs = byServer.get(run.serverId());
    if (jobs != null && jobs.remove(run.jobId()) && jobs.isEmpty()) {
      byServer.remove(run.serverId());
    }
  }

  List<JobId> of(String serverId) {
    Set<JobId> jobs = byServer.get(serverId);
    return jobs == null ? List.of() : List.copyOf(jobs);
  }
}
