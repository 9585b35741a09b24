package dev.baton.app;

import dev.baton.client.BatonClient;
import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.job.JobType;
import dev.baton.storage.JobStorage;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.List;

/** The dashboard the app serves: built from {@link DashboardOptions}, closed before the server. */
final class AppDashboard implements AutoCloseable {
  private final Dashboard dashboard;
  private final DashboardServer web;

  private AppDashboard(Dashboard dashboard, DashboardServer web) {
    this.dashboard = dashboard;
    this.web = web;
  }

  /**
   * Serves a dashboard over {@code storage} that can enqueue {@code types}.
   *
   * @throws IllegalArgumentException if the address cannot be bound, such as a port in use (the
   *     message says what to do)
   */
  static AppDashboard start(
      DashboardOptions options, JobStorage storage, BatonClient client, List<JobType<?>> types) {
    Dashboard.Builder builder =
        Dashboard.builder(storage)
            .client(client)
            .jobTypes(types)
            .publicOrigins(options.publicOrigins().toArray(String[]::new));
    if (options.authenticated()) {
      builder.authorizer(TokenAuthorizer.of(options));
    }
    Dashboard dashboard = builder.build();
    try {
      DashboardServer web =
          DashboardServer.start(
              dashboard,
              DashboardServer.Options.builder().bind(options.bind()).port(options.port()).build());
      return new AppDashboard(dashboard, web);
    } catch (UncheckedIOException e) {
      dashboard.close();
      if (!(e.getCause() instanceof BindException bind)) {
        throw e;
      }
      String message = String.valueOf(bind.getMessage());
      if (message.contains("in use")) {
        throw new IllegalArgumentException(
            "dashboard: port "
                + options.port()
                + " is in use; start with --port=N (0 = any free port) or --dashboard=false",
            e);
      }
      // Such as "Cannot assign requested address": not an address of this machine.
      throw new IllegalArgumentException(
          "dashboard: cannot listen on "
              + options.bind()
              + ":"
              + options.port()
              + " ("
              + message
              + "); check --bind, or start with --dashboard=false",
          e);
    } catch (RuntimeException e) {
      dashboard.close();
      throw e;
    }
  }

  /** The dashboard's address, e.g. {@code http://127.0.0.1:8080/}. */
  String url() {
    return web.url();
  }

  /** Stops serving, then closes the dashboard's event streams and background work. */
  @Override
  public void close() {
    try {
      web.close();
    } finally {
      dashboard.close();
    }
  }
}
