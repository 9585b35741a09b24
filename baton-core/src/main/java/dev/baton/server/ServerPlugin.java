package dev.baton.server;

/**
 * A piece of background work a server runs beside its workers: scheduled-job promotion, retention,
 * dead-server rescue, recurring jobs. Started once after the server registered, stopped once before
 * it deregisters. Plugins schedule their own ticks on {@link PluginContext#scheduler()} and must
 * survive storage errors (log and go on at the next tick).
 */
public interface ServerPlugin {
  /** A short name for logs and the effective-configuration line. */
  String name();

  void start(PluginContext context);

  /** Stops future ticks; need not wait for a running tick. Idempotent. */
  void stop();
}
