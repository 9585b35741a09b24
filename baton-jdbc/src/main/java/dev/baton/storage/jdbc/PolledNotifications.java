package dev.baton.storage.jdbc;

import dev.baton.job.JobId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications for H2, which has no push channel. A transaction writes its announcements as rows
 * of {@code baton_events}; this process hears its own at once after the commit, and a storage
 * thread polls the table every {@code interval} (default 50 ms) for those of other processes, so a
 * revoked lease reaches its owner well within one second. Rows older than a minute are deleted.
 */
final class PolledNotifications extends Notifications {
  private static final Logger log = LoggerFactory.getLogger(PolledNotifications.class);

  private static final String INSERT =
      "INSERT INTO baton_events (source, kind, queue, server_id, job_id, token, at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  // Identity values are taken at insert but become visible at commit, possibly out of order: read a
  // trailing time window and skip what was already delivered.
  private static final String POLL =
      "SELECT id, source, kind, queue, server_id, job_id, token FROM baton_events WHERE at >= ? ORDER BY id";
  private static final String PRUNE = "DELETE FROM baton_events WHERE at < ?";
  private static final Duration LOOK_BACK = Duration.ofSeconds(5);

  private final DataSource dataSource;
  private final Duration interval;
  private final String source = UUID.randomUUID().toString();
  private final LinkedHashSet<Long> seen = new LinkedHashSet<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;
  private Thread thread;

  PolledNotifications(DataSource dataSource, Duration interval) {
    this.dataSource = dataSource;
    this.interval = interval;
  }

  @Override
  void beforeCommit(Tx tx) throws SQLException {
    if (tx.available.isEmpty() && tx.revoked.isEmpty()) {
      return;
    }
    // The application's own transaction is announced under no source: every process polls it in.
    String from = tx.external ? "application" : source;
    try (PreparedStatement ps = tx.prepare(INSERT)) {
      for (String queue : tx.available) {
        Sql.bind(ps, from, "JOBS", queue, null, null, null, tx.now());
        ps.addBatch();
      }
      for (Tx.Revocation r : tx.revoked) {
        Sql.bind(ps, from, "REVOKED", null, r.serverId(), r.jobId(), r.token(), tx.now());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  void afterCommit(Tx tx) {
    tx.available.forEach(this::fireAvailable);
    tx.revoked.forEach(r -> fireRevoked(r.lease()));
  }

  @Override
  void start() {
    if (started.compareAndSet(false, true)) {
      thread = new Thread(this::loop, "baton-h2-events");
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void loop() {
    long lastPrune = 0;
    boolean failing = false;
    while (!closed) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        Instant now = clock(c);
        poll(c, now.minus(LOOK_BACK));
        if (System.nanoTime() - lastPrune > 10_000_000_000L) {
          try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
            Sql.bind(ps, now.minusSeconds(60));
            ps.executeUpdate();
          }
          lastPrune = System.nanoTime();
        }
        if (failing) {
          log.info("event polling works again");
          failing = false;
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!failing) {
          log.warn("event polling failed ({}); retrying", e.getMessage());
          failing = true;
        }
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static Instant clock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Dialect.H2.clockQuery);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return Sql.instant(rs, 1);
    }
  }

  private void poll(Connection c, Instant since) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(POLL)) {
      Sql.bind(ps, since);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          if (!seen.add(id)) {
            continue;
          }
          if (source.equals(rs.getString(2))) {
            continue; // heard already, right after our own commit
          }
          if ("JOBS".equals(rs.getString(3))) {
            fireAvailable(rs.getString(4));
          } else {
            fireRevoked(
                new dev.baton.storage.Lease(
                    new JobId(rs.getObject(6, UUID.class)), rs.getString(5), rs.getLong(7)));
          }
        }
      }
    }
    for (Iterator<Long> it = seen.iterator(); seen.size() > 50_000 && it.hasNext(); ) {
      it.next();
      it.remove();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
