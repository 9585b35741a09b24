package dev.baton.server;

import dev.baton.storage.RescuedServer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares dead every server silent for longer than the server timeout and requeues its jobs at the
 * head of their queues ({@link dev.baton.storage.JobStorage#rescueDeadServers}). Every live server
 * runs it; the storage makes each rescue happen once.
 */
public final class RescuePlugin extends PeriodicPlugin {
  private static final Logger log = LoggerFactory.getLogger(RescuePlugin.class);
  private final Duration serverTimeout;

  public RescuePlugin(Duration serverTimeout, Duration interval) {
    super("rescue", interval);
    this.serverTimeout = serverTimeout;
  }

  @Override
  protected void tick(PluginContext context) {
    for (RescuedServer dead :
        context.storage().rescueDeadServers(serverTimeout, context.serverId())) {
      log.warn(
          "server {} declared server {} dead (last heartbeat {}, timeout {}); requeued its {} jobs: {}",
          context.serverId(),
          dead.serverId(),
          dead.lastBeat(),
          serverTimeout,
          dead.requeued().size(),
          dead.requeued());
    }
  }
}
