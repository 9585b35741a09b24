package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_OK;

import dev.baton.app.AppOptions;
import dev.baton.storage.JobStorage;
import dev.baton.storage.ServerRecord;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "servers", mixinStandardHelpOptions = true, description = "Live servers.")
final class ServersCommand extends ClientCommand {
  @Override
  int run(JobStorage storage, AppOptions options) {
    List<ServerRecord> servers = monitor(storage).servers();
    if (json) {
      printJson(servers);
      return EXIT_OK;
    }
    if (servers.isEmpty()) {
      out().println("no servers");
      return EXIT_OK;
    }
    Instant now = storage.now();
    Table t = new Table("SERVER", "HOST", "QUEUES", "WORKERS", "RUNNING", "STARTED", "HEARTBEAT");
    for (ServerRecord s : servers) {
      t.row(
          s.serverId(),
          s.host(),
          String.join(",", s.queues()),
          String.valueOf(s.workers()),
          String.valueOf(s.running()),
          Text.ago(s.startedAt(), now),
          Text.ago(s.lastBeat(), now));
    }
    t.print(out());
    return EXIT_OK;
  }
}
