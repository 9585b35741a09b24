package dev.baton.app.cli;

import dev.baton.app.StorageFactory;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code baton} command line: {@code baton server} (the default) and the client commands that
 * read and steer the jobs of the same storage. See docs/cli.md.
 */
@Command(
    name = "baton",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Baton: background jobs for Java. Without a command, runs `baton server`.",
    subcommands = {
      ServerCommand.class,
      EnqueueCommand.class,
      JobsCommand.class,
      StatsCommand.class,
      ServersCommand.class,
      RecurringCommand.class,
      LocksCommand.class,
      MigrateCommand.class,
      VersionCommand.class,
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

  /** The root command with its subcommands, writing to {@code context}'s streams. */
  public static CommandLine commandLine(Context context) {
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
  public static int distance(String a, String b) {
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
}
