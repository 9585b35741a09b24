package dev.baton.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.BatonClient;
import dev.baton.filter.JobFilter;
import dev.baton.filter.MdcFilter;
import dev.baton.filter.PerformChain;
import dev.baton.filter.PerformContext;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.memory.InMemoryStorage;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The core's {@link MdcFilter} on a real server: set while the handler runs, gone after. */
class MdcFilterTest {
  record Args(int n) {}

  static final JobType<Args> LOGS = JobType.of("logs", Args.class);

  @Test
  void theJobIdAndTypeAreInTheMdcWhileTheHandlerRunsAndRemovedAfter() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    BlockingQueue<String> inside = new ArrayBlockingQueue<>(4);
    BlockingQueue<String> after = new ArrayBlockingQueue<>(4);
    JobFilter outer =
        new JobFilter() {
          @Override
          public void aroundPerform(PerformContext context, PerformChain next) throws Exception {
            next.proceed();
            after.add(MDC.get(MdcFilter.JOB_ID) + "/" + MDC.get(MdcFilter.JOB_TYPE));
          }
        };
    try (BatonServer server =
        BatonServer.builder(storage)
            .config(
                BatonServerConfig.builder()
                    .workers(1)
                    .shutdownGrace(Duration.ofMillis(500))
                    .build())
            .filter(outer)
            .filter(new MdcFilter())
            .handle(
                LOGS,
                (a, ctx) ->
                    inside.add(MDC.get(MdcFilter.JOB_ID) + "/" + MDC.get(MdcFilter.JOB_TYPE)))
            .build()
            .start()) {
      JobId id = BatonClient.create(storage).enqueue(LOGS, new Args(1)).id();
      assertThat(inside.poll(10, TimeUnit.SECONDS)).isEqualTo(id + "/logs");
      assertThat(after.poll(10, TimeUnit.SECONDS)).isEqualTo("null/null");
    }
  }
}
