package dev.baton.app.cli;

import dev.baton.app.AppOptions;
import dev.baton.app.BatonApp;
import dev.baton.app.Settings;
import dev.baton.storage.JobStorage;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a Baton server (H2 in ./baton-data, demo jobs, the dashboard) until Ctrl-C.",
      "Precedence: command line > environment (BATON_STORAGE, BATON_WORKERS, ...) >"
          + " --config file > default."
    })
final class ServerCommand extends Client {
  @Option(names = "--queues", paramLabel = "Q[,Q...]", description = "queues, by priority")
  String queues;

  @Option(names = "--workers", paramLabel = "N", description = "worker threads")
  String workers;

  @Option(
      names = {"--name", "--server-id"},
      paramLabel = "ID",
      description = "this server's id (default: host name and a random suffix)")
  String name;

  @Option(names = "--port", paramLabel = "N", description = "dashboard port, 0 = any free one")
  String port;

  @Option(names = "--bind", paramLabel = "ADDR", description = "dashboard address (127.0.0.1)")
  String bind;

  @Option(
      names = "--dashboard",
      paramLabel = "true|false",
      arity = "0..1",
      fallbackValue = "true",
      description = "serve the dashboard and REST API (default: true)")
  String dashboard;

  @Option(
      names = "--demo",
      paramLabel = "true|false",
      arity = "0..1",
      fallbackValue = "true",
      description = "register and enqueue the demo jobs (default: true)")
  String demo;

  @Option(
      names = "--api-token",
      paramLabel = "TOKEN",
      description = "callers must log in; this token may change jobs (admin)")
  String apiToken;

  @Option(
      names = "--read-only-token",
      paramLabel = "TOKEN",
      description = "a token that may only look (browser user: viewer)")
  String readOnlyToken;

  @Option(
      names = "--public-origin",
      paramLabel = "URL[,URL...]",
      description =
          "where users reach the dashboard through a reverse proxy that rewrites Host or ends"
              + " TLS, e.g. https://jobs.example.com (browser requests from it may change jobs)")
  String publicOrigin;

  @Override
  AppOptions options() {
    Map<String, String> given = storageOptions.given();
    given.put("queues", queues);
    given.put("workers", workers);
    given.put("server-id", name);
    given.put("port", port);
    given.put("bind", bind);
    given.put("dashboard", dashboard);
    given.put("demo", demo);
    given.put("api-token", apiToken);
    given.put("read-only-token", readOnlyToken);
    given.put("public-origin", publicOrigin);
    Map<String, String> settings =
        Settings.resolve(given, storageOptions.config, context.env(), Settings.SERVER);
    return AppOptions.fromSettings(settings, false);
  }

  @Override
  public Integer call() {
    return BatonApp.serve(options(), out(), err());
  }

  @Override
  int run(JobStorage storage, AppOptions options) {
    throw new UnsupportedOperationException();
  }
}
