package dev.baton.storage.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.job.JobId;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.StorageListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push notifications for one storage client: a dedicated pub/sub connection on the namespace's
 * three channels ({@code {ns}:ch:jobs} carries a queue name, {@code {ns}:ch:revoked}
 * "serverId\njobId\ntoken", the revoked lease, {@code {ns}:ch:handover} a job handed over with its
 * lease), which the scripts publish to in the same step as the change. Lettuce reconnects and
 * re-subscribes by itself; since messages sent while disconnected are lost, listeners hear {@code
 * pushResumed} once the channels are subscribed again, and every (re)connection and a slow poll
 * tell them about every queue that has work, as a safety net.
 */
final class RedisNotifications implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisNotifications.class);

  private final RedisConnector connector;
  private final String jobsChannel;
  private final String revokedChannel;
  private final String handoverChannel;
  private final Duration pollInterval;
  private final Supplier<List<String>> queuesWithWork;
  private final List<StorageListener> listeners = new CopyOnWriteArrayList<>();
  private StatefulRedisPubSubConnection<String, String> pubSub;
  private ScheduledExecutorService poller;
  private boolean closed;

  /**
   * Set by the first acknowledgement of the hand-over channel: later ones are re-subscriptions.
   * Only touched on the pub/sub connection's event loop.
   */
  private boolean subscribedBefore;

  RedisNotifications(
      RedisConnector connector,
      String prefix,
      Duration pollInterval,
      Supplier<List<String>> queuesWithWork) {
    this.connector = connector;
    this.jobsChannel = prefix + "ch:jobs";
    this.revokedChannel = prefix + "ch:revoked";
    this.handoverChannel = prefix + "ch:handover";
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

          // Lettuce re-subscribes after a reconnect with one SUBSCRIBE of every channel, in order;
          // the acknowledgement of the last one means the push is back, and what was sent
          // meanwhile is lost.
          @Override
          public void subscribed(String channel, long count) {
            if (!handoverChannel.equals(channel)) {
              return;
            }
            if (subscribedBefore) {
              tell(StorageListener::pushResumed);
            }
            subscribedBefore = true;
          }
        });
    pubSub.sync().subscribe(jobsChannel, revokedChannel, handoverChannel);
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
      tell(l -> l.jobsAvailable(message));
    } else if (handoverChannel.equals(channel)) {
      LeasedJob job = handedOver(message);
      if (job == null) {
        return;
      }
      tell(l -> l.jobHandedOver(job));
    } else if (revokedChannel.equals(channel)) {
      Lease lease = revokedLease(message);
      if (lease == null) {
        return;
      }
      tell(l -> l.leaseRevoked(lease));
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

  /**
   * A hand-over as create.lua and a finish that woke a job publish it: a JSON header line {@code
   * [server, id, token, attempt, created (us), type, queue, max, meta]}, for a woken job followed
   * by {@code parent, cond, conc, uk, uh, uttl}, then the job's arguments as they are (they may
   * hold newlines; JSON escapes every newline of the header). Null if malformed. Package-private
   * for the test.
   */
  static LeasedJob handedOver(String message) {
    try {
      int end = message.indexOf('\n');
      JsonNode h = RedisRows.tree(message.substring(0, end));
      String id = h.get(1).asText();
      JobSpec spec =
          RedisRows.spec(
              id,
              h.get(5).asText(),
              h.get(6).asText(),
              message.substring(end + 1),
              h.get(8).asText(),
              h.get(7).asText(),
              optional(h, 9),
              optional(h, 10),
              optional(h, 11),
              optional(h, 12),
              optional(h, 13),
              optional(h, 14));
      return new LeasedJob(
          new Lease(JobId.parse(id), h.get(0).asText(), h.get(2).asLong()),
          spec,
          h.get(3).asInt(),
          RedisRows.instant(h.get(4).asText()));
    } catch (RuntimeException e) {
      LOG.warn(
          "ignoring a malformed hand-over message: {}",
          message.substring(0, Math.min(200, message.length())),
          e);
      return null;
    }
  }

  private static String optional(JsonNode header, int index) {
    return header.size() > index ? header.get(index).asText() : "";
  }

  private void poll() {
    if (listeners.isEmpty()) {
      return;
    }
    try {
      for (String q : queuesWithWork.get()) {
        tell(l -> l.jobsAvailable(q));
      }
    } catch (RuntimeException e) {
      LOG.debug("notification poll failed, will retry: {}", e.toString());
    }
  }

  /** Tells every listener; one that throws does not keep the news from the others. */
  private void tell(Consumer<StorageListener> news) {
    for (StorageListener l : listeners) {
      try {
        news.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("storage listener threw", e);
      }
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
