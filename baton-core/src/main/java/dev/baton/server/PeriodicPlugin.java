package dev.baton.server;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin that runs one short tick at a fixed delay on the server's plugin scheduler, and survives
 * storage errors: a failing tick is logged (the first failure at WARN, repeats at DEBUG until it
 * recovers) and the next tick runs as planned. A tick that fails after {@link #stop()} (the server
 * interrupts it as it shuts its threads down) is logged at DEBUG only.
 */
public abstract class PeriodicPlugin implements ServerPlugin {
  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String name;
  private final Duration interval;
  private volatile ScheduledFuture<?> task;
  private volatile boolean failing;
  private volatile boolean stopped;

  protected PeriodicPlugin(String name, Duration interval) {
    if (interval == null || interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException(name + " interval must be positive, got " + interval);
    }
    this.name = name;
    this.interval = interval;
  }

  @Override
  public final String name() {
    return name;
  }

  public final Duration interval() {
    return interval;
  }

  @Override
  public void start(PluginContext context) {
    stopped = false;
    long millis = interval.toMillis();
    task =
        context
            .scheduler()
            .scheduleWithFixedDelay(() -> safeTick(context), millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    stopped = true;
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** One unit of work; may throw (it is logged and retried at the next tick). */
  protected abstract void tick(PluginContext context) throws Exception;

  private void safeTick(PluginContext context) {
    try {
      tick(context);
      if (failing) {
        log.info("plugin {} on server {} works again", name, context.serverId());
        failing = false;
      }
    } catch (Throwable e) {
      if (stopped) {
        // The server stops: a tick in flight is interrupted when its threads are shut down.
        log.debug("plugin {} stopped during a tick", name, e);
        return;
      }
      if (!failing) {
        log.warn(
            "plugin {} on server {} failed; retrying every {}",
            name,
            context.serverId(),
            interval,
            e);
        failing = true;
      } else {
        log.debug("plugin {} still failing: {}", name, e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return name + "(every " + interval + ")";
  }
}
