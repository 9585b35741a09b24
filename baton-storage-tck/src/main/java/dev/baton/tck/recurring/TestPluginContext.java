package dev.baton.tck.recurring;

import dev.baton.client.JobSpecFactory;
import dev.baton.json.JsonCodec;
import dev.baton.server.PluginContext;
import dev.baton.storage.JobStorage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The smallest {@link PluginContext}: one storage client, a server id and a one-thread scheduler,
 * so suites can run plugins as if in separate servers without starting whole servers.
 */
final class TestPluginContext implements PluginContext, AutoCloseable {
  private final JobStorage storage;
  private final String serverId;
  private final ScheduledExecutorService scheduler;
  private final JobSpecFactory specs = new JobSpecFactory(new JsonCodec());

  TestPluginContext(JobStorage storage, String serverId) {
    this.storage = storage;
    this.serverId = serverId;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tck-plugins-" + serverId);
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public JobStorage storage() {
    return storage;
  }

  @Override
  public String serverId() {
    return serverId;
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @Override
  public JobSpecFactory specs() {
    return specs;
  }

  /** Lets a task already running finish and runs no more (plugins stopped first). */
  void finishRunningTasks() {
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new AssertionError("a plugin task of " + serverId + " did not finish within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
