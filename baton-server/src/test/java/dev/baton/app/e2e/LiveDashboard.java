package dev.baton.app.e2e;

import dev.baton.client.BatonClient;
import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.dashboard.security.Authorizer;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;

/**
 * A dashboard served in this JVM on a free loopback port over a real storage, with (optionally) a
 * real Baton server running the {@link E2eJobs} beside it.
 */
final class LiveDashboard implements AutoCloseable {
  final E2eJobs jobs = new E2eJobs();
  private final BatonClient client;
  private final BatonServer server;
  private final Dashboard dashboard;
  private final DashboardServer web;

  private LiveDashboard(JobStorage storage, String serverId, Authorizer authorizer) {
    this.client = BatonClient.create(storage);
    if (serverId == null) {
      this.server = null;
    } else {
      BatonServer.Builder builder =
          BatonServer.builder(storage)
              .config(BatonServerConfig.builder().serverId(serverId).workers(4).build());
      jobs.register(builder);
      this.server = builder.build().start();
    }
    Dashboard.Builder dashboard = Dashboard.builder(storage).client(client).jobTypes(E2eJobs.TYPES);
    if (authorizer != null) {
      dashboard.authorizer(authorizer);
    }
    this.dashboard = dashboard.build();
    this.web =
        DashboardServer.start(this.dashboard, DashboardServer.Options.builder().port(0).build());
  }

  /** A dashboard and a server {@code serverId} running the e2e jobs, everyone an admin. */
  static LiveDashboard withServer(JobStorage storage, String serverId) {
    return new LiveDashboard(storage, serverId, null);
  }

  /** Only a dashboard: the jobs run elsewhere (another process). */
  static LiveDashboard withoutServer(JobStorage storage) {
    return new LiveDashboard(storage, null, null);
  }

  static LiveDashboard withServer(JobStorage storage, String serverId, Authorizer authorizer) {
    return new LiveDashboard(storage, serverId, authorizer);
  }

  String url() {
    return web.url();
  }

  /** {@code path} without its leading slash, below the dashboard's URL. */
  String url(String path) {
    return web.url() + (path.startsWith("/") ? path.substring(1) : path);
  }

  BatonClient client() {
    return client;
  }

  @Override
  public void close() {
    web.close();
    dashboard.close();
    if (server != null) {
      server.close();
    }
  }
}
