package dev.baton.tck.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.storage.CreateResult;
import dev.baton.storage.JobStorage;
import dev.baton.tck.spi.SpiSuite;
import dev.baton.tck.spi.TestJob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Uniqueness under a stampede: one job is created, every other caller is told which. */
public abstract class UniqueRaceSuite extends SpiSuite {
  private static final int CALLERS = 100;

  /** Runs {@link #CALLERS} creates at once, each on its own client, and returns the results. */
  private List<CreateResult> stampede(IntFunction<TestJob> jobOfCaller) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<CreateResult>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < CALLERS; i++) {
        JobStorage client = client(i);
        TestJob job = jobOfCaller.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return client.create(List.of(job.toNew())).get(0);
                }));
      }
      start.countDown();
      List<CreateResult> results = new ArrayList<>();
      for (Future<CreateResult> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void hundredCallersOfOneUniqueJobCreateItOnce() throws Exception {
    TestJob job = TestJob.job().unique("invoice:2030-01");

    List<CreateResult> results = stampede(i -> job.another());

    List<CreateResult> created = results.stream().filter(CreateResult::created).toList();
    assertThat(created).hasSize(1);
    assertThat(results.stream().filter(CreateResult::isDuplicate))
        .hasSize(CALLERS - 1)
        .allSatisfy(r -> assertThat(r.id()).isEqualTo(created.get(0).id()));
    assertThat(ids(claimAll())).containsExactly(created.get(0).id());
  }

  @Test
  void hundredCallersOfOneIdCreateItOnce() throws Exception {
    TestJob job = TestJob.job();

    List<CreateResult> results = stampede(i -> job);

    assertThat(results.stream().filter(CreateResult::created)).hasSize(1);
    assertThat(results).allSatisfy(r -> assertThat(r.id()).isEqualTo(job.id()));
    assertThat(job(job.id()).history()).hasSize(1);
  }
}
