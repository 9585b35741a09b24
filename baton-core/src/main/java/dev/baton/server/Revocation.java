package dev.baton.server;

import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobRecord;
import java.util.List;
import java.util.Optional;

/**
 * Says why a running job's lease was revoked, from the job's history: the first entry after this
 * server's last run tells a delete, a requeue and a rescue apart. Read when the handler first asks
 * for the reason, so the revocation itself never waits on a storage read.
 */
final class Revocation {
  static final String PREFIX = "lease revoked: ";

  private Revocation() {}

  /** The reason, or null to keep the generic one (no history that says). */
  static String explain(Optional<JobRecord> job, String serverId) {
    if (job.isEmpty()) {
      return PREFIX + "deleted (and purged from the storage)";
    }
    StateEntry next = entryAfterLastRunOn(job.get().history(), serverId);
    if (next == null) {
      return null;
    }
    String why = next.reason() == null || next.reason().isBlank() ? "" : ": " + next.reason();
    if (next.state() == JobState.DELETED) {
      return PREFIX + "deleted" + why;
    }
    if (next.state() == JobState.PROCESSING) {
      return PREFIX + "rescued, it runs on server " + next.serverId() + " now" + why;
    }
    if (next.state().isFinal()) {
      return PREFIX + "finished elsewhere (" + next.state() + ")" + why;
    }
    // Back in line: a requeue says who asked; a rescue says which server was declared dead.
    return PREFIX + "requeued" + why;
  }

  private static StateEntry entryAfterLastRunOn(List<StateEntry> history, String serverId) {
    for (int i = history.size() - 1; i >= 0; i--) {
      StateEntry e = history.get(i);
      if (e.state() == JobState.PROCESSING && serverId.equals(e.serverId())) {
        return i + 1 < history.size() ? history.get(i + 1) : null;
      }
    }
    return null;
  }
}
