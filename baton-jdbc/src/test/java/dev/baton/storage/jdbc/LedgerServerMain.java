package dev.baton.storage.jdbc;

import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A server process for {@link MultiProcessTest}: runs {@link #LEDGER_JOB} jobs on PostgreSQL schema
 * {@code args[0]} as server {@code args[1]}; each run writes a start row and, when done, an end row
 * to {@code ledger}.
 */
public final class LedgerServerMain {
  /** Arguments of a ledger job: how long it works. */
  public record Work(int millis) {}

  static final JobType<Work> LEDGER_JOB = JobType.of("ledger-job", Work.class);

  static final Duration HEARTBEAT = Duration.ofMillis(500);
  // Self-fence 3 s - 0.75 s = 2.25 s, above the storage's longest call (1 s + 1 s) as a server
  // requires.
  static final Duration SERVER_TIMEOUT = Duration.ofSeconds(3);

  private LedgerServerMain() {}

  public static void main(String[] args) throws Exception {
    String schema = args[0];
    String serverId = args[1];
    JdbcStorage storage =
        JdbcStorage.postgres(PostgresFixture.URL)
            .user(PostgresFixture.USER)
            .schema(schema)
            .poolSize(4)
            .connectionTimeout(Duration.ofSeconds(1))
            .statementTimeout(Duration.ofSeconds(1))
            .build();
    BatonServerConfig config =
        BatonServerConfig.builder()
            .serverId(serverId)
            .workers(4)
            .heartbeatInterval(HEARTBEAT)
            .serverTimeout(SERVER_TIMEOUT)
            .build();
    BatonServer server =
        BatonServer.builder(storage)
            .config(config)
            .handle(
                LEDGER_JOB,
                (work, ctx) -> {
                  record(schema, ctx.jobId().toString(), serverId, ctx.fencingToken(), "start");
                  Thread.sleep(work.millis());
                  record(schema, ctx.jobId().toString(), serverId, ctx.fencingToken(), "end");
                })
            .build()
            .start();
    System.out.println("READY " + server.serverId());
    System.out.flush();
    Thread.currentThread().join();
  }

  static void record(String schema, String job, String server, long token, String event)
      throws SQLException {
    try (Connection c = PostgresFixture.connect()) {
      c.setSchema(schema);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO ledger (job_id, server_id, token, event, at) VALUES (?, ?, ?, ?, clock_timestamp())")) {
        ps.setString(1, job);
        ps.setString(2, server);
        ps.setLong(3, token);
        ps.setString(4, event);
        ps.executeUpdate();
      }
    }
  }
}
