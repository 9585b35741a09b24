package dev.baton.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.concurrency.UniqueJob;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.json.JsonCodec;
import dev.baton.recurring.RecurringJobInfo;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobStorage;
import dev.baton.storage.KeyStatus;
import dev.baton.storage.LockLease;
import dev.baton.storage.LogLine;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.Page;
import dev.baton.storage.QueueStats;
import dev.baton.storage.ServerRecord;
import dev.baton.storage.StatsStorage;
import dev.baton.storage.UniqueHold;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code baton} command line: {@code baton server} (the default) and the client commands that
 * read and steer the jobs of the same storage. See docs/cli.md.
 */
@Command(
    name = "baton",
    mixinStandardHelpOptions = true,
    versionProvider = BatonCli.Version.class,
    description = "Baton: background jobs for Java. Without a command, runs `baton server`.",
    subcommands = {
      BatonCli.ServerCommand.class,
      BatonCli.EnqueueCommand.class,
      BatonCli.JobsCommand.class,
      BatonCli.StatsCommand.class,
      BatonCli.ServersCommand.class,
      BatonCli.RecurringCommand.class,
      BatonCli.LocksCommand.class,
      BatonCli.MigrateCommand.class,
      BatonCli.VersionCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:failure (the job failed, the server could not start)",
      "2:usage (bad command, option or value)",
      "3:not found (job, recurring job)",
      "4:storage unreachable"
    })
public final class BatonCli implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_NOT_FOUND = 3;
  public static final int EXIT_UNREACHABLE = 4;

  static final ObjectMapper JSON =
      JsonCodec.defaultMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What a command may use besides its options: the streams and the environment. */
  record Context(PrintStream out, PrintStream err, Map<String, String> env) {}

  /** A failure with its exit code; its message is the one line printed on stderr. */
  static final class CliException extends RuntimeException {
    final int code;

    CliException(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "give a command");
  }

  /** Runs {@code args}; returns the exit code. Without a command (or options only): the server. */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    Context context = new Context(out, err, env);
    CommandLine cli = commandLine(context);
    String[] effective = args;
    if (args.length == 0
        || (args[0].startsWith("-")
            && !List.of("-h", "--help", "-V", "--version").contains(args[0]))) {
      effective = new String[args.length + 1];
      effective[0] = "server";
      System.arraycopy(args, 0, effective, 1, args.length);
    }
    return cli.execute(effective);
  }

  static CommandLine commandLine(Context context) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            K made = defaults.create(cls);
            if (made instanceof Client client) {
              client.context = context;
            }
            return made;
          }
        };
    CommandLine cli = new CommandLine(new BatonCli(), factory);
    cli.setOut(new PrintWriter(out(context.out()), true));
    cli.setErr(new PrintWriter(out(context.err()), true));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, arguments) -> {
          CommandLine c = e.getCommandLine();
          String message = e.getMessage();
          if (e instanceof CommandLine.UnmatchedArgumentException u
              && !u.getUnmatched().isEmpty()
              && !u.getUnmatched().get(0).startsWith("-")
              && !c.getSubcommands().isEmpty()) {
            String typed = u.getUnmatched().get(0);
            message = "unknown command '" + typed + "'";
            List<String> near =
                c.getSubcommands().keySet().stream()
                    .filter(name -> distance(name, typed) <= 2)
                    .toList();
            if (u.getSuggestions().isEmpty() && !near.isEmpty()) {
              message +=
                  " (did you mean "
                      + near.stream().map(n -> "'" + n + "'").collect(Collectors.joining(" or "))
                      + "?)";
            }
          }
          StringBuilder line = new StringBuilder("error: ").append(message);
          if (e instanceof CommandLine.UnmatchedArgumentException u
              && !u.getSuggestions().isEmpty()) {
            line.append(" (did you mean ")
                .append(
                    u.getSuggestions().stream()
                        .limit(3)
                        .map(s -> "'" + s + "'")
                        .collect(Collectors.joining(" or ")))
                .append("?)");
          }
          line.append("; see '").append(c.getCommandSpec().qualifiedName()).append(" --help'");
          c.getErr().println(line);
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          if (e instanceof CliException failure) {
            c.getErr().println("error: " + failure.getMessage());
            return failure.code;
          }
          if (e instanceof StorageFactory.UnreachableException unreachable) {
            c.getErr().println("error: " + unreachable.getMessage());
            return EXIT_UNREACHABLE;
          }
          if (e instanceof IllegalArgumentException bad) {
            c.getErr().println("error: " + bad.getMessage());
            return EXIT_USAGE;
          }
          c.getErr().println("error: " + e);
          return EXIT_FAILURE;
        });
    return cli;
  }

  /** The Levenshtein distance, for "did you mean". */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] current = new int[b.length() + 1];
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      previous = current;
    }
    return previous[b.length()];
  }

  private static PrintStream out(PrintStream stream) {
    return stream;
  }

  /** The project version, from the build. */
  static String version() {
    try (InputStream in = BatonCli.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "baton " + version() + " (Java " + System.getProperty("java.version") + ")"
      };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Options shared by commands

  /** Where the storage is; the same options and precedence as {@code baton server}. */
  static final class StorageOptions {
    @Option(
        names = "--storage",
        paramLabel = "URL",
        description =
            "h2:PATH, memory:, postgresql://HOST[:PORT]/DB[?user=U&schema=S], a jdbc: URL,"
                + " redis://HOST[:PORT][?namespace=N] or redis-sentinel://HOST:PORT#MASTER"
                + " (env BATON_STORAGE; default: h2:./baton-data)")
    String storage;

    @Option(names = "--data-dir", paramLabel = "PATH", description = "H2 directory", hidden = true)
    String dataDir;

    @Option(names = "--jdbc-url", paramLabel = "URL", hidden = true)
    String jdbcUrl;

    @Option(names = "--redis-url", paramLabel = "URL", hidden = true)
    String redisUrl;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description =
            "a properties or YAML (.yml, .yaml) file with the settings (env BATON_CONFIG)")
    String config;

    Map<String, String> given() {
      Map<String, String> given = new LinkedHashMap<>();
      given.put("storage", storage);
      given.put("data-dir", dataDir);
      given.put("jdbc-url", jdbcUrl);
      given.put("redis-url", redisUrl);
      return given;
    }
  }

  /** A command that talks to the storage. */
  abstract static class Client implements Callable<Integer> {
    Context context;

    @Mixin StorageOptions storageOptions = new StorageOptions();

    boolean json;

    PrintStream out() {
      return context.out();
    }

    PrintStream err() {
      return context.err();
    }

    AppOptions options() {
      Map<String, String> settings =
          Settings.resolve(
              storageOptions.given(), storageOptions.config, context.env(), Settings.STORAGE);
      return AppOptions.fromSettings(settings, false);
    }

    /** Checks the command's own input before the storage is opened; throws {@link CliException}. */
    void check() {}

    @Override
    public Integer call() {
      check();
      AppOptions options = options();
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      Logger baton = (Logger) LoggerFactory.getLogger("dev.baton");
      Level rootLevel = root.getLevel();
      Level batonLevel = baton.getLevel();
      // The output is the command's: the storages' and pools' logging stays quiet.
      root.setLevel(Level.OFF);
      baton.setLevel(Level.OFF);
      try (JobStorage storage = StorageFactory.open(options)) {
        return run(storage, options);
      } finally {
        root.setLevel(rootLevel);
        baton.setLevel(batonLevel);
      }
    }

    abstract int run(JobStorage storage, AppOptions options);

    static JobMonitor monitor(JobStorage storage) {
      if (storage instanceof JobMonitor monitor) {
        return monitor;
      }
      throw new CliException(EXIT_FAILURE, "this storage offers no monitoring (JobMonitor)");
    }

    void printJson(Object value) {
      try {
        out().println(JSON.writeValueAsString(value));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A client command: reads or changes the storage's jobs, and can print JSON. */
  abstract static class ClientCommand extends Client {
    @Option(names = "--json", description = "print JSON instead of text, for scripts")
    void json(boolean json) {
      this.json = json;
    }
  }

  static JobId jobId(String text) {
    try {
      return JobId.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(EXIT_USAGE, "'" + text + "' is not a job id (a UUID)");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // baton server

  @Command(
      name = "server",
      mixinStandardHelpOptions = true,
      description = {
        "Runs a Baton server (H2 in ./baton-data, demo jobs, the dashboard) until Ctrl-C.",
        "Precedence: command line > environment (BATON_STORAGE, BATON_WORKERS, ...) >"
            + " --config file > default."
      })
  static final class ServerCommand extends Client {
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

  // ---------------------------------------------------------------------------------------------
  // baton enqueue

  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d}, or ISO {@code PT5M}. */
  static Duration duration(String text) {
    String t = text.strip();
    if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(t);
      } catch (DateTimeParseException e) {
        // reported below
      }
    } else {
      Matcher m = DURATION.matcher(t);
      Duration total = Duration.ZERO;
      int end = 0;
      while (m.find() && m.start() == end) {
        long n = Long.parseLong(m.group(1));
        total =
            total.plus(
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                  case "ms" -> Duration.ofMillis(n);
                  case "s" -> Duration.ofSeconds(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "h" -> Duration.ofHours(n);
                  default -> Duration.ofDays(n);
                });
        end = m.end();
      }
      if (end == t.length() && end > 0) {
        return total;
      }
    }
    throw new CliException(
        EXIT_USAGE, "--in: '" + text + "' is not a duration (like 30s, 5m, 1h30m, 2d or PT5M)");
  }

  /** An ISO instant, an offset date-time, or a local date-time in this machine's zone. */
  static Instant time(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
    } catch (DateTimeParseException e) {
      throw new CliException(
          EXIT_USAGE,
          "--at: '"
              + text
              + "' is not a time (like 2026-12-07T15:00:00Z, 2026-12-07T16:00+01:00 or"
              + " 2026-12-07T15:00 in this machine's zone)");
    }
  }

  @Command(
      name = "enqueue",
      mixinStandardHelpOptions = true,
      description =
          "Creates a job of TYPE with JSON arguments (run by a server that handles TYPE).")
  static final class EnqueueCommand extends ClientCommand {
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
        arguments = JSON.readTree(args);
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
      delay = in == null ? null : duration(in);
      runAt = at == null ? null : time(at);
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

  // ---------------------------------------------------------------------------------------------
  // baton jobs

  @Command(
      name = "jobs",
      mixinStandardHelpOptions = true,
      description = "Lists, shows, requeues and deletes jobs.",
      subcommands = {
        JobsList.class,
        JobsShow.class,
        JobsRequeue.class,
        JobsDelete.class,
        CommandLine.HelpCommand.class
      })
  static final class JobsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give a subcommand: list, show, requeue or delete");
    }
  }

  static JobState state(String text) {
    try {
      return JobState.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException(
          EXIT_USAGE,
          "unknown state '"
              + text
              + "': one of "
              + Arrays.stream(JobState.values())
                  .map(s -> s.name().toLowerCase(Locale.ROOT))
                  .collect(Collectors.joining(", ")));
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists jobs, newest first.")
  static final class JobsList extends ClientCommand {
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
        state(state);
      }
      if (limit < 1 || limit > 1000) {
        throw new CliException(EXIT_USAGE, "--limit must be 1..1000, got " + limit);
      }
    }

    @Override
    int run(JobStorage storage, AppOptions options) {
      JobState s = state == null ? null : state(state);
      Page<JobRecord> page = monitor(storage).findJobs(new JobQuery(s, queue, type, 0, limit));
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", page.total());
        m.put("jobs", page.items().stream().map(j -> Json.job(j, false)).toList());
        printJson(m);
        return EXIT_OK;
      }
      Instant now = storage.now();
      Text.Table table = new Text.Table("ID", "TYPE", "QUEUE", "STATE", "ATTEMPT", "CHANGED");
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

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows a job: its state, history, logs and what blocks it.")
  static final class JobsShow extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    void check() {
      jobId(id);
    }

    @Override
    int run(JobStorage storage, AppOptions options) {
      JobId jobId = jobId(id);
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
      Text.Table history = new Text.Table("  WHEN", "STATE", "SERVER", "REASON");
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

  /** {@code requeue} and {@code delete}: one line per id; exit 3 if any is unknown. */
  abstract static class JobsChange extends ClientCommand {
    @Parameters(index = "0..*", arity = "1..*", paramLabel = "ID")
    List<String> ids;

    @Override
    void check() {
      ids.forEach(BatonCli::jobId);
    }

    abstract boolean change(BatonClient client, JobId id);

    abstract String done();

    @Override
    int run(JobStorage storage, AppOptions options) {
      BatonClient client = BatonClient.create(storage);
      JobMonitor monitor = monitor(storage);
      int code = EXIT_OK;
      List<Map<String, Object>> results = new ArrayList<>();
      for (String text : ids) {
        JobId id = jobId(text);
        String result;
        if (change(client, id)) {
          result = done();
        } else if (monitor.job(id).isEmpty()) {
          result = "not-found";
          code = EXIT_NOT_FOUND;
        } else {
          result = "unchanged";
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id.toString());
        m.put("result", result);
        results.add(m);
        if (!json) {
          switch (result) {
            case "not-found" -> err().println("error: no job " + id);
            case "unchanged" ->
                out()
                    .println(
                        id
                            + " unchanged (already "
                            + monitor.job(id).map(j -> j.state().name()).orElse("gone")
                            + ")");
            default -> out().println(id + " " + result);
          }
        }
      }
      if (json) {
        printJson(results);
      }
      return code;
    }
  }

  @Command(
      name = "requeue",
      mixinStandardHelpOptions = true,
      description = "Puts jobs back at the tail of their queue, attempts reset.")
  static final class JobsRequeue extends JobsChange {
    @Override
    boolean change(BatonClient client, JobId id) {
      return client.requeue(id);
    }

    @Override
    String done() {
      return "requeued";
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes jobs; a running one is cancelled on its server.")
  static final class JobsDelete extends JobsChange {
    @Override
    boolean change(BatonClient client, JobId id) {
      return client.delete(id);
    }

    @Override
    String done() {
      return "deleted";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // baton stats, servers, locks

  @Command(
      name = "stats",
      mixinStandardHelpOptions = true,
      description = "Jobs by state, queues, and the last hour's runs.")
  static final class StatsCommand extends ClientCommand {
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
      Text.Table table = new Text.Table("STATE", "JOBS");
      counts.forEach((s, n) -> table.row(Text.state(s), String.valueOf(n)));
      table.print(out());
      out().println();
      if (queues.isEmpty()) {
        out().println("no queue has unfinished jobs");
      } else {
        Text.Table q = new Text.Table("QUEUE", "ENQUEUED", "BLOCKED", "PROCESSING", "SCHEDULED");
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

  @Command(name = "servers", mixinStandardHelpOptions = true, description = "Live servers.")
  static final class ServersCommand extends ClientCommand {
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
      Text.Table t =
          new Text.Table("SERVER", "HOST", "QUEUES", "WORKERS", "RUNNING", "STARTED", "HEARTBEAT");
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

  @Command(
      name = "locks",
      mixinStandardHelpOptions = true,
      description = "Distributed locks held, concurrency keys in use, unique keys held.")
  static final class LocksCommand extends ClientCommand {
    @Override
    int run(JobStorage storage, AppOptions options) {
      JobMonitor monitor = monitor(storage);
      List<LockLease> locks = monitor.locks();
      List<KeyStatus> keys = monitor.concurrencyKeys();
      List<UniqueHold> unique = monitor.uniqueKeys(1000);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("locks", locks);
        m.put(
            "keys",
            keys.stream()
                .map(
                    k -> {
                      Map<String, Object> e = new LinkedHashMap<>();
                      e.put("kind", k.permit().kind());
                      e.put("key", k.permit().key());
                      e.put("limit", k.permit().limit());
                      e.put("used", k.used());
                      e.put("holders", k.holders().stream().map(JobId::toString).toList());
                      e.put("waiters", k.waiters().stream().map(JobId::toString).toList());
                      return e;
                    })
                .toList());
        m.put(
            "unique",
            unique.stream()
                .map(
                    u -> {
                      Map<String, Object> e = new LinkedHashMap<>();
                      e.put("key", u.key());
                      e.put("holder", u.holder() == null ? null : u.holder().toString());
                      e.put("until", u.until());
                      return e;
                    })
                .toList());
        printJson(m);
        return EXIT_OK;
      }
      Instant now = storage.now();
      if (locks.isEmpty()) {
        out().println("no locks held");
      } else {
        Text.Table t = new Text.Table("LOCK", "OWNER", "TOKEN", "ACQUIRED", "EXPIRES");
        for (LockLease l : locks) {
          t.row(
              l.name(),
              l.owner(),
              String.valueOf(l.token()),
              Text.ago(l.acquiredAt(), now),
              Text.ago(l.until(), now));
        }
        t.print(out());
      }
      if (!keys.isEmpty()) {
        out().println();
        Text.Table t = new Text.Table("KEY", "KIND", "USED", "HOLDERS", "WAITING");
        for (KeyStatus k : keys) {
          t.row(
              k.permit().key(),
              Text.kind(k.permit()),
              k.used() + "/" + k.permit().limit(),
              k.holders().stream().map(JobId::toString).collect(Collectors.joining(",")),
              String.valueOf(k.waiters().size()));
        }
        t.print(out());
      }
      if (!unique.isEmpty()) {
        out().println();
        Text.Table t = new Text.Table("UNIQUE KEY", "HELD BY", "UNTIL");
        for (UniqueHold u : unique) {
          t.row(
              u.key(),
              u.holder() == null ? "" : u.holder().toString(),
              u.until() == null ? "the job finishes" : Text.ago(u.until(), now));
        }
        t.print(out());
      }
      return EXIT_OK;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // baton recurring

  @Command(
      name = "recurring",
      mixinStandardHelpOptions = true,
      description = "Lists, triggers, pauses, resumes and removes recurring jobs.",
      subcommands = {
        RecurringList.class,
        RecurringTrigger.class,
        RecurringPause.class,
        RecurringResume.class,
        RecurringRemove.class,
        CommandLine.HelpCommand.class
      })
  static final class RecurringCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give a subcommand: list, trigger, pause, resume or remove");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every recurring job.")
  static final class RecurringList extends ClientCommand {
    @Override
    int run(JobStorage storage, AppOptions options) {
      List<RecurringJobInfo> all = BatonClient.create(storage).recurring().list();
      if (json) {
        printJson(all.stream().map(Json::recurring).toList());
        return EXIT_OK;
      }
      if (all.isEmpty()) {
        out().println("no recurring jobs");
        return EXIT_OK;
      }
      Instant now = storage.now();
      Text.Table t = new Text.Table("ID", "CRON", "TYPE", "QUEUE", "NEXT", "LAST", "STATUS");
      for (RecurringJobInfo r : all) {
        t.row(
            r.id(),
            r.definition().cron(),
            r.definition().template().type(),
            r.definition().template().queue(),
            r.paused() ? "-" : Text.ago(r.nextFireAt(), now),
            r.lastFireAt() == null ? "never" : Text.ago(r.lastFireAt(), now),
            r.paused() ? "paused" : "active");
      }
      t.print(out());
      return EXIT_OK;
    }
  }

  abstract static class RecurringChange extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    abstract Optional<Object> change(dev.baton.recurring.RecurringJobs recurring);

    abstract String done();

    @Override
    int run(JobStorage storage, AppOptions options) {
      Optional<Object> result = change(BatonClient.create(storage).recurring());
      if (result.isEmpty()) {
        throw new CliException(EXIT_NOT_FOUND, "no recurring job '" + id + "'");
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("result", done());
      String extra = "";
      if (result.get() instanceof CreateResult created) {
        m.put("job", created.id().toString());
        m.put("created", created.created());
        m.put("state", created.state());
        extra =
            created.created()
                ? ": created job " + created.id()
                : ": created nothing, job " + created.id() + " is still " + created.state();
      }
      if (json) {
        printJson(m);
      } else {
        out().println("recurring job '" + id + "' " + done() + extra);
      }
      return EXIT_OK;
    }
  }

  @Command(name = "trigger", mixinStandardHelpOptions = true, description = "Runs it now.")
  static final class RecurringTrigger extends RecurringChange {
    @Override
    Optional<Object> change(dev.baton.recurring.RecurringJobs recurring) {
      return recurring.triggerNow(id).map(r -> r);
    }

    @Override
    String done() {
      return "triggered";
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stops firing it.")
  static final class RecurringPause extends RecurringChange {
    @Override
    Optional<Object> change(dev.baton.recurring.RecurringJobs recurring) {
      return recurring.pause(id) ? Optional.of(true) : Optional.empty();
    }

    @Override
    String done() {
      return "paused";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Fires it again.")
  static final class RecurringResume extends RecurringChange {
    @Override
    Optional<Object> change(dev.baton.recurring.RecurringJobs recurring) {
      return recurring.resume(id) ? Optional.of(true) : Optional.empty();
    }

    @Override
    String done() {
      return "resumed";
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes it.")
  static final class RecurringRemove extends RecurringChange {
    @Override
    Optional<Object> change(dev.baton.recurring.RecurringJobs recurring) {
      return recurring.remove(id) ? Optional.of(true) : Optional.empty();
    }

    @Override
    String done() {
      return "removed";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // baton migrate, version

  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = "Brings the storage's schema up to date, then exits.")
  static final class MigrateCommand extends ClientCommand {
    @Override
    int run(JobStorage storage, AppOptions options) {
      // Opening a storage applies its migrations (JDBC) or loads its scripts (Redis).
      String where = StorageFactory.describe(options);
      if (json) {
        printJson(Map.of("storage", where, "migrated", true));
      } else {
        out().println("schema up to date: " + where);
      }
      return EXIT_OK;
    }
  }

  @Command(name = "version", mixinStandardHelpOptions = true, description = "Prints the version.")
  static final class VersionCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
      if (json) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("version", version());
        m.put("java", System.getProperty("java.version"));
        spec.commandLine().getOut().println(JSON.writeValueAsString(m));
      } else {
        spec.commandLine().getOut().println(new Version().getVersion()[0]);
      }
      return EXIT_OK;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // JSON shapes

  static final class Json {
    private Json() {}

    static Map<String, Object> job(JobRecord j, boolean full) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", j.spec().id().toString());
      m.put("type", j.spec().type());
      m.put("queue", j.spec().queue());
      m.put("state", j.state());
      m.put("attempt", j.attempt());
      m.put("maxAttempts", j.spec().maxAttempts());
      m.put("createdAt", j.createdAt());
      m.put("stateAt", j.stateAt());
      m.put("runAt", j.runAt());
      m.put("owner", j.owner());
      m.put("progress", j.progress());
      m.put("parent", j.spec().parent() == null ? null : j.spec().parent().toString());
      try {
        m.put("args", JSON.readTree(j.spec().argsJson()));
      } catch (JsonProcessingException e) {
        m.put("args", j.spec().argsJson());
      }
      if (full) {
        m.put("fencingToken", j.fencingToken());
        m.put("expireAt", j.expireAt());
        m.put("blocked", j.blocked() == null ? null : blocked(j.blocked()));
        m.put("history", j.history().stream().map(Json::entry).toList());
      }
      return m;
    }

    static Map<String, Object> blocked(BlockInfo b) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (b.permit() != null) {
        m.put("kind", b.permit().kind());
        m.put("key", b.permit().key());
        m.put("limit", b.permit().limit());
      } else {
        m.put("kind", "PREVIOUS_RUN");
      }
      m.put("holders", b.holders().stream().map(JobId::toString).toList());
      m.put("position", b.position());
      m.put("since", b.since());
      m.put("wakeAt", b.wakeAt());
      return m;
    }

    static Map<String, Object> entry(StateEntry e) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("state", e.state());
      m.put("at", e.at());
      m.put("server", e.serverId());
      m.put("worker", e.worker());
      m.put("reason", e.reason());
      if (e.exception() != null) {
        m.put("exception", e.exception().type() + ": " + e.exception().message());
      }
      return m;
    }

    static Map<String, Object> log(LogLine l) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", l.at());
      m.put("level", l.level());
      m.put("message", l.message());
      return m;
    }

    static Map<String, Object> recurring(RecurringJobInfo r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("cron", r.definition().cron());
      m.put("zone", r.definition().zone() == null ? null : r.definition().zone().getId());
      m.put("type", r.definition().template().type());
      m.put("queue", r.definition().template().queue());
      m.put("paused", r.paused());
      m.put("nextFireAt", r.nextFireAt());
      m.put("lastFireAt", r.lastFireAt());
      m.put("lastJobId", r.lastJobId() == null ? null : r.lastJobId().toString());
      return m;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Text output

  static final class Text {
    private Text() {}

    /** {@code "3s ago"}, {@code "in 5m"}, {@code "just now"}; "-" for null. */
    static String ago(Instant at, Instant now) {
      if (at == null) {
        return "-";
      }
      Duration d = Duration.between(at, now);
      if (d.abs().toMillis() < 1000) {
        return "just now";
      }
      return d.isNegative() ? "in " + duration(d.negated()) : duration(d) + " ago";
    }

    static String duration(Duration d) {
      long s = d.getSeconds();
      if (s < 1) {
        return d.toMillis() + "ms";
      }
      if (s < 60) {
        return s + "s";
      }
      if (s < 3600) {
        return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
      }
      if (s < 86400) {
        return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
      }
      return (s / 86400) + "d" + ((s % 86400) / 3600 == 0 ? "" : ((s % 86400) / 3600) + "h");
    }

    /** A state, in colour when stdout is a terminal (picocli's auto-detection). */
    static String state(JobState s) {
      String colour =
          switch (s) {
            case SUCCEEDED -> "green";
            case FAILED -> "red";
            case PROCESSING -> "cyan";
            case BLOCKED, AWAITING -> "yellow";
            case DELETED -> "faint";
            default -> null;
          };
      return colour == null ? s.name() : Ansi.AUTO.string("@|" + colour + " " + s.name() + "|@");
    }

    static String blocked(BlockInfo b, Instant now) {
      String holders = b.holders().stream().map(JobId::toString).collect(Collectors.joining(", "));
      String what =
          b.permit() == null
              ? "waits for its previous run " + holders
              : kind(b.permit())
                  + " '"
                  + b.permit().key()
                  + "' held by "
                  + (holders.isEmpty() ? "nobody" : holders)
                  + ", place "
                  + b.position()
                  + " in line";
      return what
          + ", since "
          + ago(b.since(), now)
          + (b.wakeAt() == null ? "" : ", wakes " + ago(b.wakeAt(), now));
    }

    /** {@code mutex}, {@code semaphore}, {@code rate limit} or {@code sliding rate limit}. */
    static String kind(dev.baton.concurrency.Permit p) {
      return switch (p.kind()) {
        case SEMAPHORE -> p.limit() == 1 ? "mutex" : "semaphore";
        case RATE_FIXED -> "rate limit";
        case RATE_SLIDING -> "sliding rate limit";
      };
    }

    static void field(PrintStream out, String name, String value) {
      out.println("  " + String.format("%-10s", name) + value);
    }

    /** Text without picocli's ANSI escapes, for measuring. */
    static int width(String s) {
      return s.replaceAll("\u001B\\[[;\\d]*m", "").length();
    }

    static final class Table {
      private final List<String[]> rows = new ArrayList<>();

      Table(String... header) {
        rows.add(header);
      }

      void row(String... cells) {
        rows.add(cells);
      }

      void print(PrintStream out) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] r : rows) {
          for (int i = 0; i < columns; i++) {
            widths[i] = Math.max(widths[i], width(r[i] == null ? "" : r[i]));
          }
        }
        for (String[] r : rows) {
          StringBuilder line = new StringBuilder();
          for (int i = 0; i < columns; i++) {
            String cell = r[i] == null ? "" : r[i];
            line.append(cell);
            if (i < columns - 1) {
              line.append(" ".repeat(widths[i] - width(cell) + 2));
            }
          }
          out.println(line.toString().stripTrailing());
        }
      }
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
