package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.baton.BatonException;
import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** The client alone: what it writes, what it refuses, and how it reads jobs back. */
public abstract class ClientSuite extends ServerSuite {
  public record Blob(String data) {}

  /** No properties: Jackson cannot write it. */
  public static final class Opaque {}

  static final JobType<Blob> BLOB = JobType.of("tck.blob", Blob.class);
  static final JobType<Opaque> OPAQUE = JobType.of("tck.opaque", Opaque.class);

  @Test
  void oversizedArgumentsAreRefusedNamingTheTypeAndTheLimit() {
    BatonClient client = BatonClient.builder(storage()).maxArgumentBytes(1024).build();
    assertThatThrownBy(() -> client.enqueue(BLOB, new Blob("x".repeat(2000))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job type 'tck.blob'")
        .hasMessageContaining("maxArgumentBytes of 1024");
    assertThat(client.enqueue(BLOB, new Blob("small")).created()).isTrue();
  }

  @Test
  void unwritableArgumentsAreRefusedNamingTheType() {
    assertThatThrownBy(() -> client().enqueue(OPAQUE, new Opaque()))
        .isInstanceOf(BatonException.class)
        .hasMessageStartingWith("cannot enqueue job type 'tck.opaque'");
  }

  @Test
  void invalidNamesAreRefusedWhereTheyAreWritten() {
    assertThatThrownBy(() -> JobType.of("has space", Blob.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'has space'");
    assertThatThrownBy(() -> JobOptions.builder().queue("Upper"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Upper'");
  }

  @Test
  void theMonitorReadsWhatTheClientWrote() {
    BatonClient client = client();
    EnqueueResult r = client.schedule(BLOB, new Blob("watched"), Duration.ofHours(1));
    dev.baton.storage.JobMonitor monitor = client.monitor();
    assertThat(monitor.countByState().get(JobState.SCHEDULED)).isEqualTo(1L);
    assertThat(monitor.job(r.id()))
        .hasValueSatisfying(job -> assertThat(job.spec().type()).isEqualTo("tck.blob"));
  }

  @Test
  void scheduleAtAnInstantAndReadItBack() {
    Instant at = storage().now().plus(Duration.ofHours(2));
    EnqueueResult r = client().schedule(BLOB, new Blob("later"), at);
    JobView view = view(r.id());
    assertThat(view.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(view.runAt()).isCloseTo(at, within(1, ChronoUnit.MILLIS));
    assertThat(view.type()).isEqualTo("tck.blob");
    assertThat(view.queue()).isEqualTo("default");
    assertThat(view.argsJson()).contains("later");
    assertThat(view.maxAttempts()).isEqualTo(JobOptions.DEFAULT_MAX_ATTEMPTS);
    assertThat(view.history()).hasSize(1);
  }

  @Test
  void deleteAndRequeueAnswerWhetherTheyMovedTheJob() {
    BatonClient client = client();
    EnqueueResult r = client.schedule(BLOB, new Blob("x"), Duration.ofHours(1));
    assertThat(client.requeue(r.id())).isTrue();
    assertThat(client.requeue(r.id())).as("already enqueued").isFalse();
    assertThat(client.delete(r.id())).isTrue();
    assertThat(client.delete(r.id())).as("already deleted").isFalse();
    assertThat(view(r.id()).state()).isEqualTo(JobState.DELETED);

    JobId unknown = JobId.newId();
    assertThat(client.find(unknown)).isEmpty();
    assertThat(client.delete(unknown)).isFalse();
    assertThat(client.requeue(unknown)).isFalse();
  }

  @Test
  void optionsOverrideTheTypesDefaults() {
    JobType<Blob> typed = BLOB.withOptions(o -> o.queue("media").maxAttempts(2));
    EnqueueResult r =
        client().enqueue(typed, new Blob("x"), JobOptions.builder().maxAttempts(7).build());
    JobView view = view(r.id());
    assertThat(view.queue()).isEqualTo("media");
    assertThat(view.maxAttempts()).isEqualTo(7);
  }
}
