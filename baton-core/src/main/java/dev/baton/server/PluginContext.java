package dev.baton.server;

import dev.baton.client.JobSpecFactory;
import dev.baton.storage.JobStorage;
import dev.baton.storage.ServerEvent;
import java.util.concurrent.ScheduledExecutorService;

/** What a {@link ServerPlugin} may use: the storage, the server's identity and a scheduler. */
public interface PluginContext {
  JobStorage storage();

  String serverId();

  /** A scheduler shared by the server's plugins; tasks must be short and must not block. */
  ScheduledExecutorService scheduler();

  /** The server's spec factory (JSON codec and key resolution), for plugins that create jobs. */
  JobSpecFactory specs();

  /**
   * Tells the server's {@link ServerEventListener}s of an event a plugin caused (the default: no
   * listeners). Never throws.
   */
  default void announce(ServerEvent event) {}
}
