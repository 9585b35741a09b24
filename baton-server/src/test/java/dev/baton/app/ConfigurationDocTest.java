package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.cli.BatonCli;
import dev.baton.app.cli.Context;
import dev.baton.client.BatonClient;
import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.job.JobOptions;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.memory.InMemoryStorage;
import dev.baton.storage.redis.RedisStorage;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/configuration.md lists every setting with the default the code has: the server app's
 * settings (option, environment variable, default), every option of every {@code baton} command,
 * the launcher's environment, and every public setter of the library's builders. Defaults are read
 * from the code (a fresh builder's field of the setter's name, or the app's parsed defaults), never
 * written down here a second time.
 */
class ConfigurationDocTest {
  static final String PAGE = "docs/configuration.md";

  private final String page = DocPages.read(PAGE);

  /**
   * A builder, fresh with its defaults, the heading of its section on the page, and the built
   * object whose getters give the defaults of the setters whose builder field is null.
   */
  record Builder(String heading, Object fresh, Object built) {
    Builder(String heading, Object fresh) {
      this(heading, fresh, null);
    }
  }

  static List<Builder> builders() {
    InMemoryStorage storage = new InMemoryStorage();
    return List.of(
        new Builder("### `BatonServerConfig`", BatonServerConfig.builder()),
        new Builder("### `BatonServer`", BatonServer.builder(storage)),
        new Builder("### `BatonClient`", BatonClient.builder(storage)),
        new Builder("### `JobOptions`", JobOptions.builder(), JobOptions.NONE),
        new Builder("### `JdbcStorage`", JdbcStorage.h2File(Path.of("unused"))),
        new Builder("### `RedisStorage`", RedisStorage.builder()),
        new Builder("### `Dashboard`", Dashboard.builder(storage)),
        new Builder("### `DashboardServer.Options`", DashboardServer.Options.builder()));
  }

  /** The server's worker default depends on the machine; the page gives the formula. */
  @Test
  void theWorkersDefaultIsTheDocumentedFormula() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(BatonServerConfig.DEFAULT_WORKERS).isEqualTo(Math.min(64, Math.max(16, 4 * cores)));
    String row =
        rowsByName(DocPages.section(page, "### `BatonServerConfig`")).get("workers").get(1);
    assertThat(row).contains("max(16, 4 × cores)", "at most 64");
  }

  @Test
  void everyBuilderSetterIsDocumentedWithTheCodesDefault() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Builder builder : builders()) {
      Map<String, List<String>> rows = rowsByName(DocPages.section(page, builder.heading()));
      for (String setter : setters(builder.fresh().getClass())) {
        List<String> row = rows.get(setter);
        if (row == null) {
          problems.add(builder.heading() + ": no row for " + setter + "(…)");
          continue;
        }
        Optional<Object> value = fieldValue(builder.fresh(), setter);
        if (value.isEmpty() && builder.built() != null) {
          value = getterValue(builder.built(), setter);
        }
        if (builder.fresh() instanceof BatonServerConfig.Builder && setter.equals("workers")) {
          continue; // theWorkersDefaultIsTheDocumentedFormula
        }
        checkDefault(builder.heading() + " " + setter, row.get(1), value, problems);
      }
      for (String documented : rows.keySet()) {
        if (!setters(builder.fresh().getClass()).contains(documented)) {
          problems.add(builder.heading() + ": documents " + documented + "(…), which is no setter");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyAppSettingIsDocumentedWithItsEnvironmentVariableAndDefault() {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (List<String> row : DocPages.rows(DocPages.section(page, "## The server app"))) {
      Matcher option = Pattern.compile("`--([a-z-]+)").matcher(row.get(0));
      while (option.find()) {
        rows.put(option.group(1), row);
      }
    }
    AppOptions defaults = AppOptions.fromSettings(Map.of(), false);
    Map<String, Object> codeDefaults = new LinkedHashMap<>();
    codeDefaults.put("storage", defaults.storage().name().toLowerCase() + ":" + defaults.dataDir());
    codeDefaults.put("data-dir", defaults.dataDir());
    codeDefaults.put("jdbc-url", defaults.jdbcUrl());
    codeDefaults.put("redis-url", defaults.redisUrl());
    codeDefaults.put("queues", BatonServerConfig.DEFAULT_QUEUES);
    codeDefaults.put("demo", defaults.demo());
    codeDefaults.put("dashboard", defaults.dashboard().enabled());
    codeDefaults.put("bind", defaults.dashboard().bind());
    codeDefaults.put("port", defaults.dashboard().port());
    codeDefaults.put("public-origin", defaults.dashboard().publicOrigins());
    List<String> problems = new ArrayList<>();
    for (String setting : Settings.SERVER) {
      List<String> row = rows.get(setting);
      if (row == null) {
        problems.add("no row for --" + setting);
        continue;
      }
      if (!row.get(1).contains("`" + Settings.envName(setting) + "`")) {
        problems.add("--" + setting + ": the row does not name " + Settings.envName(setting));
      }
      checkDefault(
          "--" + setting, row.get(2), Optional.ofNullable(codeDefaults.get(setting)), problems);
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyCommandLineOptionAndEnvironmentVariableIsOnThePage() throws Exception {
    CommandLine cli = BatonCli.commandLine(new Context(System.out, System.err, Map.of()));
    TreeSet<String> missing = new TreeSet<>();
    for (CommandLine command : commands(cli)) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        for (String name : option.names()) {
          if (List.of("-h", "--help", "-V", "--version").contains(name)) {
            continue;
          }
          if (!Pattern.compile("`" + Pattern.quote(name) + "[`= \\[]").matcher(page).find()) {
            missing.add(command.getCommandSpec().qualifiedName() + " " + name);
          }
        }
      }
    }
    TreeSet<String> env = new TreeSet<>(List.of("BATON_CONFIG"));
    Settings.SERVER.forEach(s -> env.add(Settings.envName(s)));
    Matcher launcher = Pattern.compile("BATON_[A-Z_]+").matcher(DocPages.read("baton"));
    while (launcher.find()) {
      env.add(launcher.group());
    }
    for (String variable : env) {
      if (!page.contains("`" + variable + "`")) {
        missing.add(variable);
      }
    }
    assertThat(missing).isEmpty();
  }

  /** The example config files of this page and of cli.md are valid and mean the same. */
  @Test
  void theExampleConfigFilesAreValid(@TempDir Path dir) throws Exception {
    for (String source : List.of(PAGE, "docs/cli.md")) {
      String text = DocPages.read(source);
      List<AppOptions> parsed = new ArrayList<>();
      int n = 0;
      for (String language : List.of("yaml", "properties")) {
        for (String block : DocPages.blocks(text, language)) {
          Path file =
              dir.resolve("example" + n++ + (language.equals("yaml") ? ".yml" : ".properties"));
          Files.writeString(file, block);
          parsed.add(
              AppOptions.fromSettings(
                  Settings.resolve(Map.of(), file.toString(), Map.of(), Settings.SERVER), false));
        }
      }
      assertThat(parsed).as(source).hasSizeGreaterThanOrEqualTo(2);
      assertThat(parsed.get(0).storage()).as(source).isEqualTo(AppOptions.StorageKind.POSTGRES);
      assertThat(parsed.get(0).workers()).isEqualTo(parsed.get(1).workers()).isEqualTo(16);
      assertThat(parsed.get(0).queues()).isEqualTo(parsed.get(1).queues());
      assertThat(parsed.get(0).jdbcUrl()).isEqualTo(parsed.get(1).jdbcUrl());
    }
  }

  private static List<CommandLine> commands(CommandLine cli) {
    List<CommandLine> all = new ArrayList<>(List.of(cli));
    for (CommandLine sub : cli.getSubcommands().values()) {
      all.addAll(commands(sub));
    }
    return all;
  }

  /** Rows of a section by the setter they name in their first cell: {@code `name(…)`}. */
  private static Map<String, List<String>> rowsByName(String section) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (List<String> row : DocPages.rows(section)) {
      Matcher name = Pattern.compile("^`([A-Za-z]+)\\(").matcher(row.get(0));
      if (name.find()) {
        rows.put(name.group(1), row);
      }
    }
    return rows;
  }

  /** The public instance methods that return the builder itself: its setters. */
  static TreeSet<String> setters(Class<?> builder) {
    TreeSet<String> names = new TreeSet<>();
    for (Method m : builder.getMethods()) {
      if (m.getDeclaringClass() == builder
          && !Modifier.isStatic(m.getModifiers())
          && m.getReturnType() == builder
          && m.getParameterCount() > 0) {
        names.add(m.getName());
      }
    }
    return names;
  }

  /** The builder's field of the setter's name; empty when it has none or it is null. */
  private static Optional<Object> fieldValue(Object builder, String name) throws Exception {
    for (Field f : builder.getClass().getDeclaredFields()) {
      if (f.getName().equals(name) && !Modifier.isStatic(f.getModifiers())) {
        f.setAccessible(true);
        return Optional.ofNullable(f.get(builder));
      }
    }
    return Optional.empty();
  }

  private static Optional<Object> getterValue(Object built, String name) throws Exception {
    for (Method m : built.getClass().getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == 0) {
        return Optional.ofNullable(m.invoke(built));
      }
    }
    return Optional.empty();
  }

  /**
   * A documented default must start with the code's value, as {@link #format} writes it ({@code `2
   * s`}, {@code `true`}, {@code none}); where the code's default is computed or absent, the cell
   * must still say something.
   */
  private static void checkDefault(
      String what, String cell, Optional<Object> value, List<String> problems) {
    String text = cell.replace("`", "").strip();
    if (text.isEmpty()) {
      problems.add(what + ": no default documented");
      return;
    }
    Optional<String> expected = value.flatMap(ConfigurationDocTest::format);
    if (expected.isPresent()) {
      String e = expected.get();
      boolean same =
          text.equals(e) || (text.startsWith(e) && " ,;(".indexOf(text.charAt(e.length())) >= 0);
      if (!same) {
        problems.add(what + ": the page says '" + text + "', the code's default is '" + e + "'");
      }
    }
  }

  /** How the page writes a value, or empty for values that are objects (a codec, a map). */
  static Optional<String> format(Object value) {
    if (value instanceof Duration d) {
      return Optional.of(duration(d));
    }
    if (value instanceof Collection<?> c) {
      return Optional.of(
          c.isEmpty() ? "none" : c.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    if (value instanceof String s) {
      return Optional.of(s.isEmpty() ? "none" : s);
    }
    if (value instanceof Enum<?> e) {
      return Optional.of(e.name());
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof Path) {
      return Optional.of(String.valueOf(value));
    }
    return Optional.empty();
  }

  /** {@code 500 ms}, {@code 2 s}, {@code 10 min}, {@code 1 h}, {@code 1 d}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0";
    }
    if (ms % 1000 != 0) {
      return ms + " ms";
    }
    long s = ms / 1000;
    if (s < 60 || s % 60 != 0) {
      return s + " s";
    }
    long min = s / 60;
    if (min < 60 || min % 60 != 0) {
      return min + " min";
    }
    long h = min / 60;
    return h < 24 || h % 24 != 0 ? h + " h" : (h / 24) + " d";
  }
}
