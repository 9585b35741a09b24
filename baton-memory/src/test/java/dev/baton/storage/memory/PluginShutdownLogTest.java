package dev.baton.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.client.JobSpecFactory;
import dev.baton.job.JobType;
import dev.baton.json.JsonCodec;
import dev.baton.recurring.RecurringJobs;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import dev.baton.tck.StorageInterceptor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A server that stops while one of its plugins waits on the storage interrupts that wait as it
 * shuts its threads down. That is the server stopping, not the storage failing: it must not log
 * "tick failed, retrying" at WARN, as it did on Redis (a Lettuce command interrupted mid-tick).
 */
class PluginShutdownLogTest {
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void capture() {
    log.start();
    root.addAppender(log);
  }

  @AfterEach
  void release() {
    root.detachAppender(log);
  }

  /**
   * The recurring plugin's read, its firing of a due recurring job (two are due each second: the
   * interrupted firing must not go on to the next), and a {@code PeriodicPlugin}'s (promotion).
   */
  @ParameterizedTest
  @ValueSource(strings = {"recurringJobs", "fireRecurring", "promoteDue"})
  void aTickInterruptedByTheServerStoppingIsNoWarning(String method) throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    AtomicReference<Thread> pluginThread = new AtomicReference<>();
    InMemoryStorage memory = new InMemoryStorage();
    RecurringJobs recurring = new RecurringJobs(memory, new JobSpecFactory(new JsonCodec()));
    JobType<String> every = JobType.of("every-second", String.class);
    recurring.addOrUpdate("first", "* * * * * *", every, "a");
    recurring.addOrUpdate("second", "* * * * * *", every, "b");
    JobStorage storage =
        StorageInterceptor.before(
            memory,
            method,
            args -> {
              pluginThread.set(Thread.currentThread());
              waiting.countDown();
              try {
                Thread.sleep(60_000); // a storage call that has not answered yet
              } catch (InterruptedException e) {
                interrupted.countDown();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("command interrupted", e);
              }
            });
    BatonServer server =
        BatonServer.builder(storage)
            .config(
                BatonServerConfig.builder()
                    .serverId("stopping-" + method)
                    .promotionInterval(Duration.ofMillis(20))
                    .build())
            .handle(every, (args, ctx) -> {})
            .build();
    server.start();
    assertThat(waiting.await(10, TimeUnit.SECONDS)).as("the plugin called " + method).isTrue();

    long t0 = System.nanoTime();
    server.close();

    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the wait was interrupted").isTrue();
    // The plugin thread logs what the interrupted call threw, then ends (its pool is shut down).
    pluginThread.get().join(5_000);
    assertThat(pluginThread.get().isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    List<String> warnings =
        log.list.stream()
            .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
            .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
            .toList();
    assertThat(warnings).isEmpty();
  }
}
