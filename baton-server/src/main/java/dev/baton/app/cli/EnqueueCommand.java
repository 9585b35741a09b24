package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_FAILURE;
import static dev.baton.app.cli.BatonCli.EXIT_NOT_FOUND;
import static dev.baton.app.cli.BatonCli.EXIT_OK;
import static dev.baton.app.cli.BatonCli.EXIT_USAGE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.AppOptions;
import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.concurrency.UniqueJob;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "enqueue",
    mixinStandardHelpOptions = true,
    description = "Creates a job of TYPE with JSON arguments (run by a server that handles TYPE).")
final class EnqueueCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "TYPE", description = "the job type, e.g. demo.hello")
  String type;

  @Option(names = "--args", paramLabel = "JSON", description = "the arguments (default: {})")
  String args = "{}";

  @Option(names = "--queue", paramLabel = "Q", description = "the queue (default: default)")
  String queue;

  @Option(names = "--in", paramLabel = "DURATION", description = "run after 30s, 5m, 1h...")
  String in;

  @Option(names = "--at", paramLabel = "TIME", description = "run at an ISO time")
  String at;

  @Option(
      names = "--unique",
      paramLabel = "KEY",
      description = "create nothing while a job with this key is queued or running")
  String unique;

  @Option(names = "--max-attempts", paramLabel = "N", description = "attempts before FAILED")
  Integer maxAttempts;

  @Option(
      names = "--wait",
      description = "wait for the job to finish, showing its progress; exit 1 unless it succeeds")
  boolean waitFor;

  private JobType<JsonNode> jobType;
  private JsonNode arguments;
  private Duration delay;
  private Instant runAt;

  @Override
  void check() {
    if (in != null && at != null) {
      throw new CliException(EXIT_USAGE, "give --in or --at, not both");
    }
    JsonNode arguments;
    try {
      arguments = Json.MAPPER.readTree(args);
    } catch (JsonProcessingException e) {
      throw new CliException(
          EXIT_USAGE,
          "--args is not valid JSON: "
              + e.getOriginalMessage()
              + " (at column "
              + e.getLocation().getColumnNr()
              + ")");
    }
    if (arguments == null || arguments.isMissingNode()) {
      throw new CliException(EXIT_USAGE, "--args is empty; give JSON such as '{}'");
    }
    try {
      jobType =
          JobType.of(type, JsonNode.class)
              .withOptions(
                  o -> {
                    if (queue != null) {
                      o.queue(queue);
                    }
                    if (maxAttempts != null) {
                      o.maxAttempts(maxAttempts);
                    }
                    if (unique != null) {
                      o.unique(UniqueJob.byKey(unique));
                    }
                    return o;
                  });
    } catch (IllegalArgumentException e) {
      throw new CliException(EXIT_USAGE, e.getMessage());
    }
    this.arguments = arguments;
    delay = in == null ? null : Inputs.duration(in);
    runAt = at == null ? null : Inputs.time(at);
  }

  @Override
  int run(JobStorage storage, AppOptions options) {
    BatonClient client = BatonClient.create(storage);
    EnqueueResult result =
        delay != null
            ? client.schedule(jobType, arguments, delay)
            : runAt != null
                ? client.schedule(jobType, arguments, runAt)
                : client.enqueue(jobType, arguments);
    if (!waitFor) {
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", result.id().toString());
        m.put("created", result.created());
        m.put("state", result.state());
        printJson(m);
      } else if (result.created()) {
        out().println("created job " + result.id() + " (" + type + ", " + result.state() + ")");
      } else {
        out()
            .println(
                "created nothing: job "
                    + result.id()
                    + " holds the unique key and is "
                    + result.state());
      }
      return EXIT_OK;
    }
    return await(client, result.id());
  }

  private int await(BatonClient client, JobId id) {
    boolean bar = System.console() != null && !json;
    Instant start = Instant.now();
    JobState last = null;
    JobView view;
    while (true) {
      view =
          client
              .find(id)
              .orElseThrow(
                  () -> new CliException(EXIT_NOT_FOUND, "job " + id + " is gone (purged)"));
      if (bar) {
        int p = view.progress();
        int filled = p / 5;
        err()
            .print(
                "\r["
                    + "#".repeat(filled)
                    + " ".repeat(20 - filled)
                    + "] "
                    + String.format("%3d%% %-10s", p, view.state()));
        err().flush();
      } else if (!json && view.state() != last) {
        err().println(id + " " + view.state());
      }
      last = view.state();
      if (view.state().isFinal()) {
        break;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(EXIT_FAILURE, "interrupted while waiting for " + id);
      }
    }
    if (bar) {
      err().println();
    }
    Duration took = Duration.between(start, Instant.now());
    if (json) {
      printJson(Json.job(view.record(), true));
    } else {
      out()
          .println(
              "job " + id + " " + view.state() + " after " + Text.duration(took) + reason(view));
    }
    return view.state() == JobState.SUCCEEDED ? EXIT_OK : EXIT_FAILURE;
  }

  private static String reason(JobView view) {
    StateEntry e = view.lastEntry();
    if (e == null || view.state() == JobState.SUCCEEDED) {
      return "";
    }
    String why = e.exception() != null ? e.exception().message() : e.reason();
    return why == null || why.isBlank() ? "" : ": " + why;
  }
}
