package dev.baton.storage.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.BatonException;
import dev.baton.job.JobId;
import dev.baton.json.JsonCodec;
import dev.baton.storage.JobSpec;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTEN/NOTIFY. A transaction calls pg_notify, which PostgreSQL delivers only after the commit
 * (and not at all on rollback). One dedicated connection per storage listens on three fixed
 * channels; payloads start with the schema name so that storages on other schemas ignore them. When
 * the connection breaks, the listener reconnects with a backoff (100 ms doubling to 5 s), logs it
 * and tells the listeners ({@code pushResumed}): what was announced meanwhile is lost, and servers
 * catch up by claiming and by reading the leases they hold.
 */
final class PgNotifications extends Notifications {
  private static final Logger log = LoggerFactory.getLogger(PgNotifications.class);

  static final String JOBS_CHANNEL = "baton_jobs";
  static final String REVOKED_CHANNEL = "baton_revoked";

  /** A create handed a job over: payload schema, tab, the lease as JSON ({@link FastCreate}). */
  static final String HANDED_OVER_CHANNEL = "baton_handed_over";

  private static final ObjectMapper JSON = JsonCodec.defaultMapper();
  private static final String NOTIFY =
      "SELECT pg_notify(c, p) FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS n(c, p)";

  interface ConnectionSource {
    Connection open() throws SQLException;
  }

  private final ConnectionSource source;
  private final String schemaTag;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;
  private volatile Connection connection;
  private final java.util.concurrent.CountDownLatch listening =
      new java.util.concurrent.CountDownLatch(1);
  private Thread thread;

  PgNotifications(ConnectionSource source, String schemaTag) {
    this.source = source;
    this.schemaTag = schemaTag;
  }

  @Override
  void beforeCommit(Tx tx) throws SQLException {
    if (tx.available.isEmpty() && tx.revoked.isEmpty()) {
      return;
    }
    List<String> channels = new ArrayList<>();
    List<String> payloads = new ArrayList<>();
    for (String queue : tx.available) {
      channels.add(JOBS_CHANNEL);
      payloads.add(jobsPayloadPrefix() + queue);
    }
    for (Tx.Revocation r : tx.revoked) {
      channels.add(REVOKED_CHANNEL);
      payloads.add(schemaTag + "\t" + r.serverId() + "\t" + r.jobId() + "\t" + r.token());
    }
    try (PreparedStatement ps = tx.prepare(NOTIFY)) {
      ps.setArray(1, tx.strings(channels));
      ps.setArray(2, tx.strings(payloads));
      ps.executeQuery().close();
    }
  }

  /** What a {@link #JOBS_CHANNEL} payload starts with, followed by the queue's name. */
  String jobsPayloadPrefix() {
    return schemaTag + "\t";
  }

  @Override
  void afterCommit(Tx tx) {
    // Delivered through LISTEN, to this process as to every other.
  }

  /**
   * Starts listening, and waits (up to 5 s) until LISTEN is in place, so that whatever the
   * subscriber does next is heard.
   */
  @Override
  void start() {
    if (started.compareAndSet(false, true)) {
      thread = new Thread(this::loop, "baton-pg-listen");
      thread.setDaemon(true);
      thread.start();
    }
    try {
      listening.await(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    long backoff = 100;
    boolean wasDown = false;
    while (!closed) {
      try (Connection c = source.open()) {
        connection = c;
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + JOBS_CHANNEL);
          s.execute("LISTEN " + REVOKED_CHANNEL);
          s.execute("LISTEN " + HANDED_OVER_CHANNEL);
        }
        listening.countDown();
        if (wasDown) {
          log.info("LISTEN connection restored");
          wasDown = false;
          // What was sent while it was down is lost: servers claim and look for hand-overs.
          firePushResumed();
        }
        backoff = 100;
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] batch = pg.getNotifications(500);
          if (batch == null) {
            continue;
          }
          for (PGNotification n : batch) {
            dispatch(n.getName(), n.getParameter());
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        log.warn(
            "LISTEN connection lost ({}); reconnecting in {} ms, safety polls cover the gap",
            e.getMessage(),
            backoff);
        wasDown = true;
        sleep(backoff);
        backoff = Math.min(5_000, backoff * 2);
      } finally {
        connection = null;
      }
    }
  }

  private void dispatch(String channel, String payload) {
    if (HANDED_OVER_CHANNEL.equals(channel)) {
      int tab = payload.indexOf('\t');
      if (tab >= 0 && payload.substring(0, tab).equals(schemaTag)) {
        try {
          fireHandedOver(handedOver(payload.substring(tab + 1)));
        } catch (BatonException e) {
          // Not this code's payload (a newer Baton?): the server finds the lease by leasedTo.
          log.warn("{}", e.getMessage());
        }
      }
      return;
    }
    String[] parts = payload.split("\t");
    if (parts.length < 2 || !parts[0].equals(schemaTag)) {
      return;
    }
    if (JOBS_CHANNEL.equals(channel)) {
      fireAvailable(parts[1]);
    } else if (REVOKED_CHANNEL.equals(channel) && parts.length == 4) {
      fireRevoked(new Lease(JobId.parse(parts[2]), parts[1], Long.parseLong(parts[3])));
    }
  }

  /**
   * The lease a {@link #HANDED_OVER_CHANNEL} payload carries (a plain job: no permits, key,
   * parent).
   */
  static LeasedJob handedOver(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      JobId id = JobId.parse(n.get("id").asText());
      JobSpec spec =
          new JobSpec(
              id,
              n.get("type").asText(),
              n.get("queue").asText(),
              n.get("args").asText(),
              n.get("meta").asText(),
              n.get("maxAttempts").asInt(),
              null,
              null,
              null,
              null);
      return new LeasedJob(
          new Lease(id, n.get("server").asText(), n.get("token").asLong()),
          spec,
          n.get("attempt").asInt(),
          Instant.EPOCH.plus(n.get("createdAt").asLong(), ChronoUnit.MICROS));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new BatonException("unreadable hand-over notification: " + json, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
