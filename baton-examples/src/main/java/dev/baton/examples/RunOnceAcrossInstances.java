package dev.baton.examples;

import dev.baton.client.BatonClient;
import dev.baton.concurrency.BatonLocks;
import dev.baton.concurrency.LockHandle;
import dev.baton.job.JobContext;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Scenario 3, run once across instances: start this twice (or more) on one database. Each instance
 * registers the same recurring {@code heartbeat} job (hourly in real life, every 10 s here); every
 * occurrence runs once, on whichever instance claims it, and the job's log and history name that
 * instance. Alongside, each instance now and then enters a plain critical section (not a job)
 * guarded by the distributed lock {@code critical-section}, and prints the lock's fencing token:
 * never two holders at once, tokens strictly increasing.
 *
 * <pre>
 * baton-examples/run once --name=instance-a [--storage=URL] [--every=10s] [--lock-every=1s]
 *     [--hold=700ms] [--port=0]
 * </pre>
 */
public final class RunOnceAcrossInstances {
  /** The heartbeat's arguments: nothing but a greeting. */
  public record Beat(String message) {}

  public static final JobType<Beat> HEARTBEAT = JobType.of("heartbeat", Beat.class);

  /** The recurring job's id: the same on every instance, so they share one definition. */
  public static final String RECURRING_ID = "heartbeat";

  public static final String LOCK = "critical-section";

  public static void main(String[] args) throws InterruptedException {
    Options.exitOnBadInput();
    Options options = Options.parse(args);
    String url = ExampleStorage.url(options);
    String name = options.get("name", "instance-" + UUID.randomUUID().toString().substring(0, 4));
    Duration every = options.getDuration("every", Duration.ofSeconds(10));
    Duration lockEvery = options.getDuration("lock-every", Duration.ofSeconds(1));
    Duration hold = options.getDuration("hold", Duration.ofMillis(700));
    String cron = cron(every);
    Console out = new Console(name);
    ExampleDashboard.Settings web = ExampleDashboard.Settings.of(options);
    options.checkNoneLeft(); // before anything is opened: a typo changes nothing
    StopSignal stop = StopSignal.install();
    try (JobStorage storage = ExampleStorage.open(url)) {
      BatonClient client = BatonClient.create(storage);
      ExampleDashboard dashboard =
          ExampleDashboard.startIfWanted(web, storage, client, List.of(HEARTBEAT));
      out.say("storage %s", ExampleStorage.describe(url));
      if (dashboard != null) {
        out.say("dashboard: %s (Recurring jobs, and each heartbeat's history)", dashboard.url());
      }
      // Every instance defines it; the definition is one record in the storage, and the
      // occurrence's job id is derived from the occurrence time, so a race creates it once.
      client.recurring().addOrUpdate(RECURRING_ID, cron, HEARTBEAT, new Beat("still alive"));
      out.say("recurring job '%s' registered: cron '%s' (every %s)", RECURRING_ID, cron, every);
      try (BatonServer server =
          BatonServer.builder(storage)
              .config(BatonServerConfig.builder().serverId(name).workers(2).build())
              .handle(HEARTBEAT, (beat, ctx) -> heartbeat(out, beat, ctx))
              .build()
              .start()) {
        Thread locker =
            new Thread(
                () -> lockLoop(client.locks(name), out, lockEvery, hold), "critical-section");
        locker.setDaemon(true);
        locker.start();
        stop.await();
        locker.interrupt();
        locker.join(5_000);
      } finally {
        if (dashboard != null) {
          dashboard.close();
        }
      }
    }
    System.exit(0); // drivers may leave non-daemon threads behind
  }

  /** Six-field cron (seconds first) for a period that divides a minute, else whole minutes. */
  static String cron(Duration every) {
    long s = every.toSeconds();
    if (s >= 1 && s < 60 && 60 % s == 0) {
      return "*/" + s + " * * * * *";
    }
    if (s % 60 == 0 && s / 60 >= 1 && s / 60 < 60 && 60 % (s / 60) == 0) {
      return "0 */" + (s / 60) + " * * * *";
    }
    throw new IllegalArgumentException(
        "--every must divide a minute or an hour (such as 10s, 30s, 5m), got " + every);
  }

  private static void heartbeat(Console out, Beat beat, JobContext ctx) {
    // Stored with the job: the dashboard and `baton jobs show ID` show who ran this occurrence.
    ctx.log().info("heartbeat '{}' ran on instance {}", beat.message(), ctx.serverId());
    out.say(
        "heartbeat ran (job %s, attempt %d, fencing token %d)",
        ctx.jobId(), ctx.attempt(), ctx.fencingToken());
  }

  /**
   * Tries the lock now and then (with some jitter, so that the instances collide); the holder works
   * for {@code hold} with the lock's fencing token, which a real critical section passes along with
   * its writes so that a late holder's writes can be refused.
   */
  private static void lockLoop(BatonLocks locks, Console out, Duration every, Duration hold) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Optional<LockHandle> taken = locks.tryLock(LOCK, Duration.ofSeconds(30));
        if (taken.isPresent()) {
          try (LockHandle lock = taken.get()) {
            out.say("lock '%s' taken, fencing token %d", LOCK, lock.token());
            Thread.sleep(hold.toMillis());
            out.say("lock '%s' released, fencing token %d", LOCK, lock.token());
          }
        } else {
          out.say("lock '%s' is held by another instance; not entering", LOCK);
        }
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, every.toMillis() / 2));
        Thread.sleep(every.toMillis() + jitter);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        out.say("lock '%s': storage call failed (%s); trying again", LOCK, e);
      }
    }
  }
}
