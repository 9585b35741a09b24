package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_NOT_FOUND;
import static dev.baton.app.cli.BatonCli.EXIT_OK;

import dev.baton.app.AppOptions;
import dev.baton.job.JobId;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LogLine;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Shows a job: its state, history, logs and what blocks it.")
final class JobsShow extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Override
  void check() {
    Inputs.jobId(id);
  }

  @Override
  int run(JobStorage storage, AppOptions options) {
    JobId jobId = Inputs.jobId(id);
    JobMonitor monitor = monitor(storage);
    JobRecord job =
        monitor.job(jobId).orElseThrow(() -> new CliException(EXIT_NOT_FOUND, "no job " + jobId));
    List<LogLine> logs = monitor.logs(jobId, -1, 50).lines();
    List<JobRecord> continuations = monitor.continuations(jobId, 100);
    if (json) {
      Map<String, Object> m = Json.job(job, true);
      m.put("logs", logs.stream().map(Json::log).toList());
      m.put("continuations", continuations.stream().map(c -> c.spec().id().toString()).toList());
      printJson(m);
      return EXIT_OK;
    }
    Instant now = storage.now();
    PrintStream o = out();
    o.println("job " + job.spec().id());
    Text.field(o, "type", job.spec().type());
    Text.field(o, "queue", job.spec().queue());
    Text.field(o, "state", Text.state(job.state()) + " since " + Text.ago(job.stateAt(), now));
    Text.field(o, "attempt", job.attempt() + " of " + job.spec().maxAttempts());
    Text.field(o, "args", job.spec().argsJson());
    Text.field(o, "created", Text.ago(job.createdAt(), now) + " (" + job.createdAt() + ")");
    if (job.runAt() != null) {
      Text.field(o, "runs", Text.ago(job.runAt(), now) + " (" + job.runAt() + ")");
    }
    if (job.owner() != null) {
      Text.field(o, "server", job.owner() + " (fencing token " + job.fencingToken() + ")");
    }
    if (job.progress() > 0) {
      Text.field(o, "progress", job.progress() + "%");
    }
    if (job.spec().parent() != null) {
      Text.field(o, "continues", job.spec().parent() + " (" + job.spec().continueOn() + ")");
    }
    if (job.blocked() != null) {
      Text.field(o, "blocked", Text.blocked(job.blocked(), now));
    }
    if (!continuations.isEmpty()) {
      Text.field(
          o,
          "then",
          continuations.stream()
              .map(c -> c.spec().id() + " " + c.spec().type() + " " + c.state())
              .collect(Collectors.joining(", ")));
    }
    o.println();
    o.println("history:");
    Table history = new Table("  WHEN", "STATE", "SERVER", "REASON");
    for (StateEntry e : job.history()) {
      String reason = e.reason();
      if (e.exception() != null) {
        reason =
            (reason.isBlank() ? "" : reason + ": ")
                + e.exception().type()
                + ": "
                + e.exception().message();
      }
      history.row(
          "  " + Text.ago(e.at(), now),
          Text.state(e.state()),
          e.serverId() == null ? "" : e.serverId(),
          reason);
    }
    history.print(o);
    if (!logs.isEmpty()) {
      o.println();
      o.println("logs (last " + logs.size() + "):");
      for (LogLine l : logs) {
        o.println("  " + Text.ago(l.at(), now) + "  " + l.level() + "  " + l.message());
      }
    }
    return EXIT_OK;
  }
}
