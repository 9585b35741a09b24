package dev.baton.storage.jdbc;

import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import java.nio.file.Path;

/**
 * An application that embeds a Baton server on the H2 file storage the way docs/server.md shows: a
 * JVM shutdown hook closes the server, then the storage. For {@link EmbeddedShutdownTest}: args are
 * the H2 directory; prints READY once started and RUNNING when a job's handler has begun.
 */
public final class EmbeddedShutdownMain {
  /** How long a job works, checking its cancellation token every 50 ms. */
  public record Work(int millis) {}

  static final JobType<Work> LONG_JOB = JobType.of("long-job", Work.class);

  private EmbeddedShutdownMain() {}

  public static void main(String[] args) throws Exception {
    JdbcStorage storage = JdbcStorage.h2File(Path.of(args[0])).build();
    BatonServer server =
        BatonServer.builder(storage)
            .config(BatonServerConfig.builder().serverId("embedded").workers(2).build())
            .handle(
                LONG_JOB,
                (work, ctx) -> {
                  System.out.println("RUNNING " + ctx.jobId());
                  System.out.flush();
                  long end = System.nanoTime() + work.millis() * 1_000_000L;
                  while (System.nanoTime() < end) {
                    ctx.throwIfCancellationRequested();
                    Thread.sleep(50);
                  }
                })
            .build()
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close(); // jobs still running are handed back at once
                  storage.close();
                },
                "baton-shutdown"));
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join(); // the application's own work
  }
}
