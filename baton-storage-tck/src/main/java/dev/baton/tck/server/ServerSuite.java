package dev.baton.tck.server;

import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobContext;
import dev.baton.job.JobId;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.CallTimeouts;
import dev.baton.storage.JobStorage;
import dev.baton.tck.TckSuite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the end-to-end server suites: real servers on the storage under test, each with its own
 * storage client (as a separate process would have), tuned to short intervals so the suites take
 * seconds: heartbeat 100 ms, server timeout 1 s, poll 200 ms. A storage whose calls may block for
 * as long as that server timeout's self-fence ({@link CallTimeouts}: a statement or command
 * timeout) gets the shortest server timeout a server accepts for it instead, rounded up to 100 ms.
 */
public abstract class ServerSuite extends TckSuite {
  /** Longest wait for anything a server should do promptly. */
  protected static final Duration PROMPTLY = Duration.ofSeconds(5);

  private static final Duration HEARTBEAT = Duration.ofMillis(100);
  private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(1);

  /**
   * The server timeout of {@link #fastConfig} for the running test's storage (set before each test;
   * the kit's tests run one at a time).
   */
  private static volatile Duration serverTimeout = SERVER_TIMEOUT;

  private final List<BatonServer> servers = new ArrayList<>();

  @BeforeEach
  final void fitServerTimeout() {
    serverTimeout = SERVER_TIMEOUT;
    if (storage() instanceof CallTimeouts timeouts) {
      // A server accepts t when t - max(heartbeat, t / 4) > the longest call.
      long call = timeouts.longestCall().toMillis();
      long needed = Math.max(call + HEARTBEAT.toMillis(), call * 4 / 3) + 1;
      long rounded = (needed + 99) / 100 * 100;
      if (rounded > SERVER_TIMEOUT.toMillis()) {
        serverTimeout = Duration.ofMillis(rounded);
      }
    }
  }

  /** The server timeout {@link #fastConfig} gives for the running test's storage. */
  protected static Duration fastServerTimeout() {
    return serverTimeout;
  }

  @AfterEach
  final void closeServers() {
    // Newest first, in parallel would be faster but order keeps logs readable.
    for (int i = servers.size() - 1; i >= 0; i--) {
      servers.get(i).close();
    }
    servers.clear();
  }

  /** A configuration with short intervals for tests; suites adjust it further. */
  protected static BatonServerConfig.Builder fastConfig(String serverId) {
    return BatonServerConfig.builder()
        .serverId(serverId)
        .workers(4)
        .heartbeatInterval(HEARTBEAT)
        .serverTimeout(serverTimeout)
        .pollInterval(Duration.ofMillis(200))
        .promotionInterval(Duration.ofMillis(50))
        .reportFlushInterval(Duration.ofMillis(100))
        .shutdownGrace(Duration.ofMillis(500));
  }

  /** A started server on its own storage client, closed after the test. */
  protected BatonServer startServer(
      BatonServerConfig config, UnaryOperator<BatonServer.Builder> setup) {
    return startServer(fixture().newStorage(), config, setup);
  }

  /** A started server on the given storage client, closed after the test. */
  protected BatonServer startServer(
      JobStorage storage, BatonServerConfig config, UnaryOperator<BatonServer.Builder> setup) {
    BatonServer server = setup.apply(BatonServer.builder(storage).config(config)).build();
    servers.add(server);
    return server.start();
  }

  /** A client on the test's first storage client. */
  protected BatonClient client() {
    return BatonClient.create(storage());
  }

  /** A client on a new storage client: another application instance. */
  protected BatonClient otherClient() {
    return BatonClient.create(fixture().newStorage());
  }

  protected JobView view(JobId id) {
    return client().find(id).orElseThrow(() -> new AssertionError("job " + id + " not found"));
  }

  /** Waits until the job is in {@code state}, and returns it. */
  protected JobView awaitState(JobId id, JobState state) {
    await("job " + id + " in " + state)
        .atMost(PROMPTLY)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> client().find(id).map(JobView::state).orElse(null) == state);
    return view(id);
  }

  /**
   * A cooperative long job: signals {@code started}, records why it was cancelled into {@code
   * reasons}, runs until its token fires and then stops by throwing {@link
   * dev.baton.job.JobCancelledException}.
   */
  protected static void runUntilCancelled(
      JobContext ctx, CountDownLatch started, Queue<String> reasons) throws InterruptedException {
    ctx.onCancel(() -> reasons.add(ctx.cancellationReason()));
    started.countDown();
    while (!ctx.isCancellationRequested()) {
      Thread.sleep(5);
    }
    ctx.throwIfCancellationRequested();
  }

  /** The history entries of {@code view} in {@code state}. */
  protected static List<StateEntry> entries(JobView view, JobState state) {
    return view.history().stream().filter(e -> e.state() == state).toList();
  }
}
