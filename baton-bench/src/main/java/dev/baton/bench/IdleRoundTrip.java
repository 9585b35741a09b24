package dev.baton.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The yardstick for pickup latency: one bare round trip to the storage from one thread, with the
 * same 50 ms idle gaps as the pickup probes, and back to back. On a virtual machine a process that
 * waited idle is slow to wake (here ~250 µs against ~30 µs back to back), and a pickup is several
 * such round trips plus thread hand-offs, so the pickup figures read best as a multiple of this.
 *
 * <p>PostgreSQL: {@code SELECT 1} on a plain JDBC connection in autocommit. Redis: {@code PING} on
 * a bare socket (no client library), and {@code PING} through Lettuce's synchronous API, as the
 * Redis storage sends its commands. The second is the floor of an enqueue: the caller hands the
 * command to Lettuce's event loop and waits to be handed the answer back, two more thread wake-ups
 * than the bare socket. It runs after the latency scenario, in the JVM that enqueued the probes, so
 * Lettuce's code is compiled as it was for them.
 */
final class IdleRoundTrip {
  private static final int ROUNDS = 200;
  private static final int WARMUP = 50;

  private IdleRoundTrip() {}

  /** The report lines for the storage of {@code spec}; none where there is no network storage. */
  static List<String> run(String storage, BenchOptions options) throws Exception {
    return switch (storage) {
      case "postgres" ->
          List.of(report("SELECT 1 over JDBC", postgres(options, true), postgres(options, false)));
      case "redis" ->
          List.of(
              report("PING on a bare socket", redis(options, true), redis(options, false)),
              lettuce(options));
      default -> List.of();
    };
  }

  private static long[] postgres(BenchOptions options, boolean idle) throws SQLException {
    try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.user(), "");
        Statement s = c.createStatement()) {
      return rounds(idle, () -> s.execute("SELECT 1"));
    }
  }

  private static long[] redis(BenchOptions options, boolean idle) throws IOException {
    URI uri = URI.create(options.redisUrl());
    try (Socket socket = new Socket(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort())) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      byte[] ping = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] pong = new byte[7]; // +PONG\r\n
      return rounds(
          idle,
          () -> {
            out.write(ping);
            out.flush();
            for (int read = 0; read < pong.length; ) {
              int n = in.read(pong, read, pong.length - read);
              if (n < 0) {
                throw new IOException("Redis closed the connection");
              }
              read += n;
            }
          });
    }
  }

  private static String lettuce(BenchOptions options) {
    RedisClient client = RedisClient.create(options.redisUrl());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      return report(
          "PING through Lettuce's sync API", rounds(true, redis::ping), rounds(false, redis::ping));
    } finally {
      client.shutdown();
    }
  }

  private interface Round<E extends Exception> {
    void run() throws E;
  }

  private static <E extends Exception> long[] rounds(boolean idle, Round<E> round) throws E {
    long[] nanos = new long[ROUNDS];
    for (int i = 0; i < WARMUP + ROUNDS; i++) {
      long start = System.nanoTime();
      round.run();
      long took = System.nanoTime() - start;
      if (i >= WARMUP) {
        nanos[i - WARMUP] = took;
      }
      if (idle) {
        sleep(StorageBench.PROBE_GAP.toMillis());
      }
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String report(String what, long[] idle, long[] busy) {
    return String.format(
        Locale.ROOT,
        "idle round trip (yardstick), %s: %d ms apart p50 %.3f ms, p99 %.3f ms; back to back p50 %.3f ms",
        what,
        StorageBench.PROBE_GAP.toMillis(),
        idle[ROUNDS / 2] / 1e6,
        idle[(int) Math.ceil(ROUNDS * 0.99) - 1] / 1e6,
        busy[ROUNDS / 2] / 1e6);
  }
}
