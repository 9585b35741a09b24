package dev.baton.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference: {@code pgbench}, 8 clients of single-row UPDATEs for 10 s, on a database of its
 * own ({@code baton_pgbench}, created if missing), on the same server as the benchmark.
 */
final class Pgbench {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial");

  private Pgbench() {}

  static String run(BenchOptions options) throws IOException, InterruptedException {
    URI uri = URI.create(options.jdbcUrl().substring("jdbc:".length()));
    String host = uri.getHost();
    String port = Integer.toString(uri.getPort() < 0 ? 5432 : uri.getPort());
    List<String> conn = List.of("-h", host, "-p", port, "-U", options.user());
    exec(
        concat(
            List.of("psql"),
            conn,
            List.of("-d", "postgres", "-qc", "CREATE DATABASE baton_pgbench")),
        true);
    exec(concat(List.of("pgbench", "-i", "-q", "-s", "1"), conn, List.of("baton_pgbench")), false);
    File script = File.createTempFile("baton-pgbench", ".sql");
    script.deleteOnExit();
    Files.writeString(
        script.toPath(),
        "\\set aid random(1, 100000)\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n");
    String out =
        exec(
            concat(
                List.of("pgbench", "-n", "-c", "8", "-j", "2", "-T", "10", "-f", script.getPath()),
                conn,
                List.of("baton_pgbench")),
            false);
    Matcher m = TPS.matcher(out);
    if (!m.find()) {
      return "pgbench: no tps in its output:\n" + out;
    }
    return String.format(
        Locale.ROOT,
        "pgbench, 8 clients, 1-row UPDATE, 10 s: %,.0f transactions/s",
        Double.parseDouble(m.group(1)));
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
  }

  private static String exec(List<String> command, boolean mayFail)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      r.lines().forEach(l -> out.append(l).append('\n'));
    }
    int code = p.waitFor();
    if (code != 0 && !mayFail) {
      throw new IOException(String.join(" ", command) + " exited " + code + ":\n" + out);
    }
    return out.toString();
  }
}
