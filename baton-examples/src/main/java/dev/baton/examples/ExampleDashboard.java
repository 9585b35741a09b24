package dev.baton.examples;

import dev.baton.client.BatonClient;
import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.job.JobType;
import dev.baton.storage.JobStorage;
import java.util.List;

/**
 * The web dashboard and REST API over an example's storage, on the JDK's HTTP server, bound to
 * 127.0.0.1 (no login needed from this machine). Port 0 picks a free one; {@link #url()} says
 * which.
 */
public final class ExampleDashboard implements AutoCloseable {
  private final Dashboard dashboard;
  private final DashboardServer web;

  private ExampleDashboard(Dashboard dashboard, DashboardServer web) {
    this.dashboard = dashboard;
    this.web = web;
  }

  /** Serves a dashboard that can show, delete, requeue and enqueue jobs of {@code types}. */
  public static ExampleDashboard start(
      JobStorage storage, BatonClient client, List<JobType<?>> types, int port) {
    Dashboard dashboard = Dashboard.builder(storage).client(client).jobTypes(types).build();
    try {
      DashboardServer web =
          DashboardServer.start(dashboard, DashboardServer.Options.builder().port(port).build());
      return new ExampleDashboard(dashboard, web);
    } catch (RuntimeException e) {
      dashboard.close();
      throw e;
    }
  }

  /** Whether to serve a dashboard, and on which port. */
  public record Settings(boolean enabled, int port) {
    /** {@code --dashboard=false} turns it off; {@code --port=N} (default 0: any free port). */
    public static Settings of(Options options) {
      return new Settings(options.getBoolean("dashboard", true), options.getInt("port", 0));
    }
  }

  /** Starts one as {@code settings} say, or returns null if they turn it off. */
  public static ExampleDashboard startIfWanted(
      Settings settings, JobStorage storage, BatonClient client, List<JobType<?>> types) {
    return settings.enabled() ? start(storage, client, types, settings.port()) : null;
  }

  public String url() {
    return web.url();
  }

  @Override
  public void close() {
    try {
      web.close();
    } finally {
      dashboard.close();
    }
  }
}
