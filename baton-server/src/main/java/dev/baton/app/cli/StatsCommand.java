package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_OK;

import dev.baton.app.AppOptions;
import dev.baton.state.JobState;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobStorage;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.QueueStats;
import dev.baton.storage.StatsStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Jobs by state, queues, and the last hour's runs.")
final class StatsCommand extends ClientCommand {
  @Override
  int run(JobStorage storage, AppOptions options) {
    JobMonitor monitor = monitor(storage);
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      counts.put(s, 0L);
    }
    monitor.countByState().forEach((s, n) -> counts.put(s, n == null ? 0 : n));
    List<QueueStats> queues = monitor.queues();
    int servers = monitor.servers().size();
    Instant now = storage.now();
    long succeeded = 0;
    long failed = 0;
    long retried = 0;
    boolean hasStats = storage instanceof StatsStorage;
    if (storage instanceof StatsStorage stats) {
      for (MinuteStats m : stats.stats(now.minus(Duration.ofHours(1)), now)) {
        succeeded += m.succeeded();
        failed += m.failed();
        retried += m.retried();
      }
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      Map<String, Long> states = new LinkedHashMap<>();
      counts.forEach((s, n) -> states.put(s.name(), n));
      m.put("states", states);
      m.put("queues", queues);
      m.put("servers", servers);
      if (hasStats) {
        m.put("lastHour", Map.of("succeeded", succeeded, "failed", failed, "retried", retried));
      }
      printJson(m);
      return EXIT_OK;
    }
    Table table = new Table("STATE", "JOBS");
    counts.forEach((s, n) -> table.row(Text.state(s), String.valueOf(n)));
    table.print(out());
    out().println();
    if (queues.isEmpty()) {
      out().println("no queue has unfinished jobs");
    } else {
      Table q = new Table("QUEUE", "ENQUEUED", "BLOCKED", "PROCESSING", "SCHEDULED");
      for (QueueStats s : queues) {
        q.row(
            s.queue(),
            String.valueOf(s.enqueued()),
            String.valueOf(s.blocked()),
            String.valueOf(s.processing()),
            String.valueOf(s.scheduled()));
      }
      q.print(out());
    }
    out().println();
    out().println("servers: " + servers);
    if (hasStats) {
      out()
          .println(
              "last hour: "
                  + succeeded
                  + " succeeded, "
                  + failed
                  + " failed, "
                  + retried
                  + " retried");
    }
    return EXIT_OK;
  }
}
