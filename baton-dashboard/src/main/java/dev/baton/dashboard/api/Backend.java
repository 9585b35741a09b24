package dev.baton.dashboard.api;

import dev.baton.client.BatonClient;
import dev.baton.dashboard.DashboardConfig;
import dev.baton.dashboard.security.AuditLog;
import dev.baton.dashboard.security.Csrf;
import dev.baton.recurring.RecurringJobs;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobStorage;
import dev.baton.storage.StatsStorage;
import java.util.Optional;

/**
 * What the API classes work with: the storage (its transitions, its read side and, when it has
 * them, its statistics), a client for creating jobs, the recurring jobs, JSON, the settings, the
 * audit log and the CSRF tokens.
 */
public record Backend(
    JobStorage storage,
    JobMonitor monitor,
    BatonClient client,
    RecurringJobs recurring,
    Json json,
    DashboardConfig config,
    AuditLog audit,
    Csrf csrf) {

  /** The storage's statistics, if it keeps them. */
  public Optional<StatsStorage> stats() {
    return storage instanceof StatsStorage s ? Optional.of(s) : Optional.empty();
  }
}
