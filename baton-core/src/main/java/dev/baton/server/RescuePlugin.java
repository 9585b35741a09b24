package dev.baton.server;

import dev.baton.storage.RescuedServer;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.StatsStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares dead every server silent for longer than the server timeout and requeues its jobs at the
 * head of their queues ({@link dev.baton.storage.JobStorage#rescueDeadServers}). Every live server
 * runs it; the storage makes each rescue happen once. On a {@link StatsStorage} it records each
 * rescue as a {@link ServerEvent.Kind#DECLARED_DEAD} event, unless told not to.
 */
public final class RescuePlugin extends PeriodicPlugin {
  private static final Logger log = LoggerFactory.getLogger(RescuePlugin.class);
  private final Duration serverTimeout;
  private final boolean recordEvents;
  private volatile boolean eventFailed;

  public RescuePlugin(Duration serverTimeout, Duration interval) {
    this(serverTimeout, interval, true);
  }

  /**
   * @param recordEvents whether to record rescues as server events when the storage can keep them
   */
  public RescuePlugin(Duration serverTimeout, Duration interval, boolean recordEvents) {
    super("rescue", interval);
    this.serverTimeout = serverTimeout;
    this.recordEvents = recordEvents;
  }

  @Override
  protected void tick(PluginContext context) {
    List<RescuedServer> rescued =
        context.storage().rescueDeadServers(serverTimeout, context.serverId());
    if (rescued.isEmpty()) {
      return;
    }
    Instant now = storageNow(context);
    for (RescuedServer dead : rescued) {
      log.warn(
          "server {} declared server {} dead ({}, server timeout {}); requeued its {} jobs: {}",
          context.serverId(),
          dead.serverId(),
          now == null
              ? "last proof of life " + dead.lastBeat()
              : "silent for " + Duration.between(dead.lastBeat(), now).toMillis() + " ms",
          serverTimeout,
          dead.requeued().size(),
          dead.requeued());
      ServerEvent event = event(context, now == null ? Instant.now() : now, dead);
      context.announce(event);
      if (recordEvents && context.storage() instanceof StatsStorage stats) {
        record(stats, event);
      }
    }
  }

  private ServerEvent event(PluginContext context, Instant at, RescuedServer dead) {
    return new ServerEvent(
        at,
        ServerEvent.Kind.DECLARED_DEAD,
        dead.serverId(),
        context.serverId(),
        dead.requeued().size(),
        "silent since "
            + dead.lastBeat()
            + " (timeout "
            + serverTimeout
            + "); "
            + dead.requeued().size()
            + " jobs requeued");
  }

  /** The storage's time after a rescue, for the log; null if it cannot be read. */
  private static Instant storageNow(PluginContext context) {
    try {
      return context.storage().now();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The rescue already happened: a failure to record it is logged (WARN once) and ignored. */
  private void record(StatsStorage stats, ServerEvent event) {
    try {
      stats.addServerEvent(event);
    } catch (RuntimeException e) {
      if (!eventFailed) {
        eventFailed = true;
        log.warn(
            "could not record that server {} was declared dead: {}",
            event.serverId(),
            e.toString());
      } else {
        log.debug(
            "could not record that server {} was declared dead: {}",
            event.serverId(),
            e.toString());
      }
    }
  }
}
