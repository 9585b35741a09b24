package dev.baton.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference for Redis: {@code redis-benchmark} SET, 50 clients, no pipelining, 200,000
 * requests, against the Redis of {@code --redis-url}, in the same run as the jobs.
 */
final class RedisBenchmark {
  private static final Pattern RATE = Pattern.compile("SET: ([0-9.]+) requests per second");

  private RedisBenchmark() {}

  static String run(BenchOptions options) throws IOException, InterruptedException {
    URI uri = URI.create(options.redisUrl());
    Process p =
        new ProcessBuilder(
                "redis-benchmark",
                "-h",
                uri.getHost(),
                "-p",
                Integer.toString(uri.getPort() < 0 ? 6379 : uri.getPort()),
                "-t",
                "set",
                "-n",
                "200000",
                "-c",
                "50",
                "-q")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher m = RATE.matcher(out.replace("\r", "\n"));
    double last = Double.NaN;
    while (m.find()) {
      last = Double.parseDouble(m.group(1));
    }
    if (Double.isNaN(last)) {
      return "redis-benchmark: no rate in its output:\n" + out;
    }
    return String.format(
        Locale.ROOT, "redis-benchmark SET, 50 clients, no pipelining: %,.0f requests/s", last);
  }
}
