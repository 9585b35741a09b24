package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_OK;
import static dev.baton.app.cli.BatonCli.EXIT_USAGE;

import dev.baton.app.AppOptions;
import dev.baton.state.JobState;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Page;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists jobs, newest first.")
final class JobsList extends ClientCommand {
  @Option(names = "--state", paramLabel = "STATE", description = "only jobs in this state")
  String state;

  @Option(names = "--type", paramLabel = "TYPE", description = "only jobs of this type")
  String type;

  @Option(names = "--queue", paramLabel = "Q", description = "only jobs in this queue")
  String queue;

  @Option(names = "--limit", paramLabel = "N", description = "at most N (1..1000, default 20)")
  int limit = 20;

  @Override
  void check() {
    if (state != null) {
      Inputs.state(state);
    }
    if (limit < 1 || limit > 1000) {
      throw new CliException(EXIT_USAGE, "--limit must be 1..1000, got " + limit);
    }
  }

  @Override
  int run(JobStorage storage, AppOptions options) {
    JobState s = state == null ? null : Inputs.state(state);
    Page<JobRecord> page = monitor(storage).findJobs(new JobQuery(s, queue, type, 0, limit));
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("total", page.total());
      m.put("jobs", page.items().stream().map(j -> Json.job(j, false)).toList());
      printJson(m);
      return EXIT_OK;
    }
    Instant now = storage.now();
    Table table = new Table("ID", "TYPE", "QUEUE", "STATE", "ATTEMPT", "CHANGED");
    for (JobRecord j : page.items()) {
      table.row(
          j.spec().id().toString(),
          j.spec().type(),
          j.spec().queue(),
          Text.state(j.state()),
          j.attempt() + "/" + j.spec().maxAttempts(),
          Text.ago(j.stateAt(), now));
    }
    if (page.items().isEmpty()) {
      out().println("no jobs");
    } else {
      table.print(out());
      out().println(page.items().size() + " of " + page.total() + " jobs");
    }
    return EXIT_OK;
  }
}
