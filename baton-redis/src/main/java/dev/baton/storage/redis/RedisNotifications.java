package dev.baton.storage.redis;

import dev.baton.job.JobId;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.StorageListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push notifications for one storage client: a dedicated pub/sub connection on the namespace's two
 * channels ({@code {ns}:ch:jobs} carries a queue name, {@code {ns}:ch:revoked}
 * "serverId\njobId\ntoken", the revoked lease), which the scripts publish to in the same step as
 * the change. Lettuce reconnects and re-subscribes by itself; since messages sent while
 * disconnected are lost, every (re)connection and a slow poll tell listeners about every queue that
 * has work, as a safety net.
 */
final class RedisNotifications implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisNotifications.class);

  private final RedisConnector connector;
  private final String jobsChannel;
  private final String revokedChannel;
  private final Duration pollInterval;
  private final Supplier<List<String>> queuesWithWork;
  private final List<StorageListener> listeners = new CopyOnWriteArrayList<>();
  private StatefulRedisPubSubConnection<String, String> pubSub;
  private ScheduledExecutorService poller;
  private boolean closed;

  RedisNotifications(
      RedisConnector connector,
      String prefix,
      Duration pollInterval,
      Supplier<List<String>> queuesWithWork) {
    this.connector = connector;
    this.jobsChannel = prefix + "ch:jobs";
    this.revokedChannel = prefix + "ch:revoked";
    this.pollInterval = pollInterval;
    this.queuesWithWork = queuesWithWork;
  }

  synchronized JobStorage.Subscription add(StorageListener listener) {
    if (closed) {
      throw new IllegalStateException("the Redis storage is closed");
    }
    listeners.add(listener);
    if (pubSub == null) {
      start();
    }
    return () -> listeners.remove(listener);
  }

  private void start() {
    pubSub = connector.connectPubSub();
    pubSub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            dispatch(channel, message);
          }
        });
    pubSub.sync().subscribe(jobsChannel, revokedChannel);
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-redis-poll");
              t.setDaemon(true);
              return t;
            });
    long ms = pollInterval.toMillis();
    poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    connector.onConnected(() -> poller.execute(this::poll));
  }

  private void dispatch(String channel, String message) {
    if (jobsChannel.equals(channel)) {
      for (StorageListener l : listeners) {
        safely(() -> l.jobsAvailable(message));
      }
    } else if (revokedChannel.equals(channel)) {
      Lease lease = revokedLease(message);
      if (lease == null) {
        return;
      }
      for (StorageListener l : listeners) {
        safely(() -> l.leaseRevoked(lease));
      }
    }
  }

  /**
   * "serverId\njobId\ntoken" (the server id may itself contain newlines); null if malformed.
   * Package-private for the test.
   */
  static Lease revokedLease(String message) {
    int tokAt = message.lastIndexOf('\n');
    int idAt = tokAt <= 0 ? -1 : message.lastIndexOf('\n', tokAt - 1);
    if (idAt < 0) {
      return null;
    }
    try {
      return new Lease(
          JobId.parse(message.substring(idAt + 1, tokAt)),
          message.substring(0, idAt),
          Long.parseLong(message.substring(tokAt + 1)));
    } catch (RuntimeException e) {
      LOG.warn("ignoring a malformed revocation message: {}", message);
      return null;
    }
  }

  private void poll() {
    if (listeners.isEmpty()) {
      return;
    }
    try {
      for (String q : queuesWithWork.get()) {
        for (StorageListener l : listeners) {
          safely(() -> l.jobsAvailable(q));
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("notification poll failed, will retry: {}", e.toString());
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("storage listener threw", e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    listeners.clear();
    if (poller != null) {
      poller.shutdownNow();
    }
    if (pubSub != null) {
      pubSub.close();
    }
  }
}
