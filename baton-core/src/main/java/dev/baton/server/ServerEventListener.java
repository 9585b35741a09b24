package dev.baton.server;

import dev.baton.storage.ServerEvent;

/**
 * Hears the {@link ServerEvent}s a server causes, as they happen, whether or not the storage keeps
 * events: today {@link ServerEvent.Kind#DECLARED_DEAD} for each peer this server's rescue plugin
 * declared dead (with the number of jobs taken back). Each event is heard on the one server that
 * caused it, so counts summed across servers are right. Called on a plugin thread; must be quick; a
 * listener that throws is logged and skipped.
 */
@FunctionalInterface
public interface ServerEventListener {
  void onEvent(ServerEvent event);
}
