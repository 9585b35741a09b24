package dev.baton.examples.spring;

import dev.baton.job.JobContext;
import dev.baton.spring.Recurring;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * A recurring job: once per occurrence of {@code sample.heartbeat-cron} (every 10 s by default)
 * across every instance of the application, with retries, history and the dashboard's pause and
 * trigger.
 */
@Component
public class Heartbeat {
  private final AtomicLong runs = new AtomicLong();

  @Recurring(id = "sample-heartbeat", cron = "${sample.heartbeat-cron}")
  void beat(JobContext ctx) {
    ctx.log().info("heartbeat {} on {}", runs.incrementAndGet(), ctx.serverId());
  }

  /** How many times this instance ran the heartbeat. */
  public long runs() {
    return runs.get();
  }
}
