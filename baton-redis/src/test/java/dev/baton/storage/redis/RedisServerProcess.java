package dev.baton.storage.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server a test starts for itself on a loopback port, daemonized, with its files under
 * {@code target/}; stopped by its own pid (never by name).
 */
final class RedisServerProcess {
  private final int port;
  private final Path dir;
  private final List<String> extraArgs;

  RedisServerProcess(int port, Path dir, List<String> extraArgs) {
    this.port = port;
    this.dir = dir.toAbsolutePath();
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Whether redis-server and redis-cli can be run here. */
  static boolean installed() {
    try {
      return run(List.of("redis-server", "--version")) == 0
          && run(List.of("redis-cli", "--version")) == 0;
    } catch (IOException e) {
      return false;
    }
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server; {@code cliAuth} are redis-cli options (e.g. "-a", password) for PING. */
  void start(String... cliAuth) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--dir",
                dir.toString(),
                "--pidfile",
                pidFile().toString(),
                "--logfile",
                dir.resolve("redis.log").toString(),
                "--save",
                ""));
    cmd.addAll(extraArgs);
    if (run(cmd) != 0) {
      throw new IOException("redis-server did not start on port " + port + ", see " + dir);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (cli(concat(cliAuth, "ping")).contains("PONG")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IOException("redis-server on port " + port + " did not answer PING; see " + dir);
  }

  /**
   * Starts a Sentinel (redis-server in sentinel mode) on this port that monitors {@code master} at
   * {@code masterPort} with a quorum of one, declares it down after {@code downAfterMillis}, and
   * fails over to a replica.
   */
  void startSentinel(String master, int masterPort, long downAfterMillis)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("sentinel.conf"); // Sentinel rewrites it: a fresh one each start
    Files.writeString(
        conf,
        String.join(
            "\n",
            "port " + port,
            "bind 127.0.0.1",
            "daemonize yes",
            "dir " + dir,
            "pidfile " + pidFile(),
            "logfile " + dir.resolve("redis.log"),
            "sentinel monitor " + master + " 127.0.0.1 " + masterPort + " 1",
            "sentinel down-after-milliseconds " + master + " " + downAfterMillis,
            "sentinel failover-timeout " + master + " 5000",
            "sentinel parallel-syncs " + master + " 1",
            ""));
    if (run(List.of("redis-server", conf.toString(), "--sentinel")) != 0) {
      throw new IOException(
          "redis-server --sentinel did not start on port " + port + ", see " + dir);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (cli("ping").contains("PONG")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IOException("Sentinel on port " + port + " did not answer PING; see " + dir);
  }

  /** Sends the server SIGSTOP (true) or SIGCONT (false): a Redis that stops answering. */
  void pause(boolean paused) throws IOException {
    long pid = Long.parseLong(Files.readString(pidFile()).trim());
    run(List.of("kill", paused ? "-STOP" : "-CONT", Long.toString(pid)));
  }

  /** Kills the server with SIGKILL, as a crash would. */
  void kill9() throws IOException, InterruptedException {
    long pid = Long.parseLong(Files.readString(pidFile()).trim());
    run(List.of("kill", "-9", Long.toString(pid)));
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
    Files.deleteIfExists(pidFile());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Stops the server (if running) without saving. */
  void stop(String... cliAuth) {
    try {
      if (Files.exists(pidFile())) {
        cli(concat(cliAuth, "shutdown", "nosave"));
        long pid = Long.parseLong(Files.readString(pidFile()).trim());
        ProcessHandle.of(pid)
            .ifPresent(
                h -> {
                  try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    h.destroyForcibly();
                  }
                });
      } else {
        cli(concat(cliAuth, "shutdown", "nosave"));
      }
    } catch (IOException | RuntimeException e) {
      // already gone
    }
  }

  String cli(String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private Path pidFile() {
    return dir.resolve("redis.pid");
  }

  static int run(List<String> cmd) throws IOException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
