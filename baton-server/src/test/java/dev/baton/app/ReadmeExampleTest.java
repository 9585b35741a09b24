package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.job.JobContext;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Ten lines" example, run as written against a real H2 file storage. */
class ReadmeExampleTest {
  record VideoArgs(long videoId, String url) {}

  static final JobType<VideoArgs> DOWNLOAD =
      JobType.of("download-video", VideoArgs.class)
          .withOptions(o -> o.queue("media").maxAttempts(5).mutex("video:{videoId}"));

  private final List<Long> downloaded = new CopyOnWriteArrayList<>();

  private void download(VideoArgs args, JobContext ctx) {
    ctx.progress(100);
    downloaded.add(args.videoId());
  }

  @Test
  void theReadmeExampleRunsAsWritten(@TempDir Path dir) throws Exception {
    JobStorage storage = JdbcStorage.h2File(dir).build();
    try {
      BatonClient client = BatonClient.create(storage);
      EnqueueResult result =
          client.enqueue(DOWNLOAD, new VideoArgs(42, "https://example.org/v/42"));

      try (BatonServer server =
          BatonServer.builder(storage)
              .config(BatonServerConfig.builder().queues("media", "default").build())
              .handle(
                  DOWNLOAD,
                  (args, ctx) -> {
                    ctx.throwIfCancellationRequested();
                    download(args, ctx);
                  })
              .build()
              .start()) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> client.find(result.id()).orElseThrow().state() == JobState.SUCCEEDED);
        assertThat(downloaded).containsExactly(42L);
        assertThat(client.find(result.id()).orElseThrow().progress()).isEqualTo(100);

        // The README's "More:" line: recurring jobs and locks through the same client.
        client.recurring().addOrUpdate("nightly", "0 3 * * *", DOWNLOAD, new VideoArgs(7, "u"));
        assertThat(client.recurring().list()).hasSize(1);
        assertThat(client.locks("node-1").tryLock("report", Duration.ofMinutes(5))).isPresent();
      }
    } finally {
      storage.close();
    }
  }
}
