package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobRecord;
import dev.baton.storage.Page;
import dev.baton.storage.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link dev.baton.storage.JobMonitor}: counts, job pages, queues. */
public abstract class MonitorSuite extends SpiSuite {

  @Test
  void countsJobsByState() {
    createMany(3, QUEUE);
    create(TestJob.job().delay(Duration.ofHours(1)));
    succeed(claim(SERVER, 1, QUEUE).get(0).lease());
    claim(SERVER, 1, QUEUE);

    Map<JobState, Long> counts = monitor().countByState();

    assertThat(counts.get(JobState.ENQUEUED)).isEqualTo(1);
    assertThat(counts.get(JobState.PROCESSING)).isEqualTo(1);
    assertThat(counts.get(JobState.SUCCEEDED)).isEqualTo(1);
    assertThat(counts.get(JobState.SCHEDULED)).isEqualTo(1);
    assertThat(counts.getOrDefault(JobState.FAILED, 0L)).isZero();
  }

  @Test
  void findsJobsNewestStateChangeFirstWithoutHistory() {
    List<JobId> ids = createMany(3, QUEUE);
    claimOne(ids.get(0));

    Page<JobRecord> page = monitor().findJobs(new JobQuery(null, null, null, 0, 10));

    assertThat(page.total()).isEqualTo(3);
    assertThat(page.items()).extracting(r -> r.spec().id()).startsWith(ids.get(0));
    assertThat(page.items()).allSatisfy(r -> assertThat(r.history()).isEmpty());
  }

  @Test
  void filtersByStateQueueAndTypeAndPages() {
    List<JobId> mail = createMany(5, "mail");
    create(TestJob.job().queue("video").type("encode"));
    create(TestJob.job().queue("video"));
    claimOne(mail.get(0));

    Page<JobRecord> enqueuedMail =
        monitor().findJobs(new JobQuery(JobState.ENQUEUED, "mail", null, 1, 2));
    assertThat(enqueuedMail.total()).isEqualTo(4);
    assertThat(enqueuedMail.items()).hasSize(2);
    assertThat(enqueuedMail.items())
        .allSatisfy(r -> assertThat(r.spec().queue()).isEqualTo("mail"))
        .allSatisfy(r -> assertThat(r.state()).isEqualTo(JobState.ENQUEUED));

    Page<JobRecord> encode = monitor().findJobs(new JobQuery(null, null, "encode", 0, 10));
    assertThat(encode.total()).isEqualTo(1);
    assertThat(encode.items().get(0).spec().type()).isEqualTo("encode");

    Page<JobRecord> beyond = monitor().findJobs(new JobQuery(null, "mail", null, 10, 10));
    assertThat(beyond.items()).isEmpty();
    assertThat(beyond.total()).isEqualTo(5);

    Page<JobRecord> processing = monitor().findJobs(JobQuery.inState(JobState.PROCESSING, 10));
    assertThat(processing.items()).extracting(r -> r.spec().id()).containsExactly(mail.get(0));
  }

  @Test
  void listsQueuesWithOpenJobs() {
    createMany(2, "mail");
    create(TestJob.job().queue("mail").delay(Duration.ofHours(1)));
    create(TestJob.job().queue("video"));
    create(TestJob.job().queue("done"));
    succeed(claim(SERVER, 1, "done").get(0).lease());
    claim(SERVER, 1, "video");

    List<QueueStats> queues = monitor().queues();

    assertThat(queues).contains(new QueueStats("mail", 2, 0, 0, 1));
    assertThat(queues).contains(new QueueStats("video", 0, 0, 1, 0));
    assertThat(queues).extracting(QueueStats::queue).doesNotContain("done");
  }
}
