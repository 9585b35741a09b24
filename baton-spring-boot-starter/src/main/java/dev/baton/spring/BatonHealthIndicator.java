package dev.baton.spring;

import dev.baton.server.BatonServer;
import dev.baton.storage.JobStorage;
import java.time.Instant;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code baton}: UP when the storage answers and the server (if this application runs one) is
 * running; DOWN when the storage does not answer or the server is not running; OUT_OF_SERVICE from
 * the moment the context began shutting the server down.
 */
public final class BatonHealthIndicator implements HealthIndicator {
  private final JobStorage storage;
  private final BatonServerLifecycle lifecycle;

  /** {@code lifecycle} is null when this application runs no server. */
  public BatonHealthIndicator(JobStorage storage, BatonServerLifecycle lifecycle) {
    this.storage = storage;
    this.lifecycle = lifecycle;
  }

  @Override
  public Health health() {
    Health.Builder health = new Health.Builder();
    health.withDetail("storage", storage.getClass().getSimpleName());
    if (lifecycle != null) {
      health.withDetail("serverId", lifecycle.config().serverId());
      if (lifecycle.isStopping()) {
        return health.outOfService().withDetail("server", "shutting down").build();
      }
    }
    Instant now;
    try {
      now = storage.now();
    } catch (RuntimeException e) {
      return health.down(e).withDetail("storageReachable", false).build();
    }
    health.withDetail("storageReachable", true).withDetail("storageTime", now.toString());
    if (lifecycle == null) {
      return health.up().withDetail("server", "disabled").build();
    }
    Optional<BatonServer> server = lifecycle.server();
    if (server.isEmpty() || !server.get().isRunning()) {
      return health.down().withDetail("server", "not running").build();
    }
    return health
        .up()
        .withDetail("server", "running")
        .withDetail("runningJobs", server.get().runningJobs())
        .build();
  }
}
