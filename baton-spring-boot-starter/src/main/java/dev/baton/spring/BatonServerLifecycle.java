package dev.baton.spring;

import dev.baton.client.BatonClient;
import dev.baton.filter.JobFilter;
import dev.baton.job.JobHandler;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.server.ServerPlugin;
import dev.baton.storage.JobStorage;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Builds the Baton server when the application context has created every bean (so every handler
 * bean and {@link Recurring} method is known), starts it, and closes it gracefully when the context
 * stops: claiming stops, running jobs' tokens fire, what still runs after {@code
 * baton.server.shutdown-grace} is handed back to the head of its queue, then the context goes on
 * closing the storage and the beans the handlers use.
 *
 * <p>Phase {@link #PHASE}: below the web server's, so the server starts before the application
 * takes requests and stops after the web server finished its own graceful shutdown (requests in
 * flight may still enqueue).
 */
public final class BatonServerLifecycle implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(BatonServerLifecycle.class);

  /** Starts before and stops after Spring Boot's web server (DEFAULT_PHASE - 2048). */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final JobStorage storage;
  private final BatonClient client;
  private final BatonServerConfig config;
  private final ListableBeanFactory beans;
  private final RecurringMethods recurring;
  private volatile BatonServer server;
  private volatile boolean stopping;

  BatonServerLifecycle(
      JobStorage storage,
      BatonClient client,
      BatonServerConfig config,
      ListableBeanFactory beans,
      RecurringMethods recurring) {
    this.storage = storage;
    this.client = client;
    this.config = config;
    this.beans = beans;
    this.recurring = recurring;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public synchronized void start() {
    if (server != null) {
      return;
    }
    BatonServer.Builder builder = BatonServer.builder(storage).config(config);
    for (HandlerBeans.Binding b : HandlerBeans.find(beans)) {
      builder.handle((JobType) b.type(), (JobHandler) b.handler());
      log.debug("job type '{}' runs on handler bean '{}'", b.type().name(), b.beanName());
    }
    List<RecurringMethods.Entry> methods = recurring.entries();
    for (RecurringMethods.Entry e : methods) {
      builder.handle(e.type(), e.handler());
    }
    beans.getBeanProvider(JobFilter.class).orderedStream().forEach(builder::filter);
    beans.getBeanProvider(ServerPlugin.class).orderedStream().forEach(builder::plugin);
    BatonServer built = builder.build();
    for (RecurringMethods.Entry e : methods) {
      client.recurring().addOrUpdate(e.id(), e.cron(), e.type(), null, e.options());
    }
    stopping = false;
    server = built.start();
  }

  @Override
  public synchronized void stop() {
    BatonServer running = server;
    if (running == null) {
      return;
    }
    stopping = true;
    try {
      running.close();
    } finally {
      server = null;
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The running server; empty before the context started it and after it stopped it. */
  public Optional<BatonServer> server() {
    return Optional.ofNullable(server);
  }

  /** True from the moment the context began stopping the server until it starts again. */
  public boolean isStopping() {
    return stopping;
  }

  /** The server's configuration (its id is fixed when the context is created). */
  public BatonServerConfig config() {
    return config;
  }
}
