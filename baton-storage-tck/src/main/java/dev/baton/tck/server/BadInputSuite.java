package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.job.OptionalArg;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.stats.UnknownTypes;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.NewJob;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.StatsStorage;
import dev.baton.tck.StorageInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Data, not magic: a job of an unknown type, or with arguments its handler cannot read, fails that
 * job at once (no retry) with a reason that says what to do; the server keeps running. So does a
 * job whose run broke inside the server itself.
 */
public abstract class BadInputSuite extends ServerSuite {
  public record Count(int count) {}

  /** Arguments whose reading throws an Error (as a deeply nested payload may): "boom". */
  public record Explosive(String fuse) {
    public Explosive {
      if ("boom".equals(fuse)) {
        throw new StackOverflowError("reading the arguments (test)");
      }
    }
  }

  /** Arguments with a component jobs written before it was added may lack. */
  public record Resize(String image, @OptionalArg Integer quality) {}

  static final JobType<Count> COUNT = JobType.of("tck.count", Count.class);
  static final JobType<Resize> RESIZE = JobType.of("tck.resize", Resize.class);
  static final JobType<Explosive> EXPLOSIVE = JobType.of("tck.explosive", Explosive.class);
  static final JobType<Count> UNKNOWN = JobType.of("tck.not-handled-here", Count.class);

  private BatonServer startCounter() {
    return startServer(
        fastConfig("strict").unknownTypeGrace(Duration.ZERO).build(),
        b -> b.handle(COUNT, (args, ctx) -> {}));
  }

  @Test
  void anUnknownTypeFailsThatJobWithAClearReason() {
    BatonServer server = startCounter();
    EnqueueResult r = client().enqueue(UNKNOWN, new Count(1));

    JobView failed = awaitState(r.id(), JobState.FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(entries(failed, JobState.SCHEDULED)).isEmpty();
    StateEntry entry = failed.lastEntry();
    assertThat(entry.reason())
        .contains("no handler registered for job type 'tck.not-handled-here' on server strict")
        .contains("register it and requeue the job");

    EnqueueResult good = client().enqueue(COUNT, new Count(2));
    awaitState(good.id(), JobState.SUCCEEDED);
    assertThat(server.isRunning()).isTrue();
  }

  @Test
  void unknownTypeFailuresAreRecordedAsServerEventsForTheDashboard() {
    BatonServer server = startCounter();
    JobType<Count> other = JobType.of("tck.also-not-handled", Count.class);
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(client().enqueue(UNKNOWN, new Count(i)).id());
    }
    ids.add(client().enqueue(other, new Count(9)).id());
    for (JobId id : ids) {
      awaitState(id, JobState.FAILED);
    }
    server.close();

    StatsStorage stats = (StatsStorage) storage();
    Map<String, Long> failedByType = new TreeMap<>();
    for (ServerEvent e : stats.serverEvents(StatsStorage.KEPT_EVENTS)) {
      if (e.kind() == ServerEvent.Kind.UNKNOWN_TYPE && e.serverId().equals("strict")) {
        Map.Entry<String, UnknownTypes.Counts> parsed =
            UnknownTypes.parse(e.detail()).orElseThrow(() -> new AssertionError(e.detail()));
        failedByType.merge(parsed.getKey(), parsed.getValue().failed(), Long::sum);
        assertThat(parsed.getValue().postponed()).isZero();
        assertThat(e.jobs()).isEqualTo((int) parsed.getValue().total());
        assertThat(e.detail()).contains("register it and requeue the failed jobs");
      }
    }
    assertThat(failedByType)
        .as("every failure counted once, per type, by the end of the server")
        .containsExactlyEntriesOf(
            new TreeMap<>(Map.of("tck.not-handled-here", 3L, "tck.also-not-handled", 1L)));
  }

  @Test
  void duringARollingDeployAJobOfANewTypeWaitsForAServerThatHasItsHandler() {
    startServer(
        fastConfig("old").unknownTypeGrace(Duration.ofMinutes(1)).build(),
        b -> b.handle(COUNT, (args, ctx) -> {}));
    JobId id = client().enqueue(UNKNOWN, new Count(1)).id();
    await("put back by the old server")
        .atMost(PROMPTLY)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !entries(view(id), JobState.SCHEDULED).isEmpty());
    StateEntry putBack = entries(view(id), JobState.SCHEDULED).get(0);
    assertThat(putBack.serverId()).isEqualTo("old");
    assertThat(putBack.reason())
        .contains("no handler registered for job type 'tck.not-handled-here' on server old")
        .containsPattern("put back for a server that has one, again in 1(\\.\\d)?s")
        .contains("no attempt spent");
    assertThat(view(id).attempt()).isEqualTo(1);

    List<String> ranOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    startServer(
        fastConfig("new").build(),
        b ->
            b.handle(COUNT, (args, ctx) -> {})
                .handle(UNKNOWN, (args, ctx) -> ranOn.add(ctx.serverId())));
    // Within the grace (1 min); each turn the old server wins again costs about 1-1.5 s.
    await("run by the new server")
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> view(id).state() == JobState.SUCCEEDED);
    JobView done = view(id);
    assertThat(ranOn).containsExactly("new");
    assertThat(done.attempt()).as("the old server's turns spent no attempt").isEqualTo(1);
    assertThat(entries(done, JobState.FAILED)).isEmpty();
    assertThat(done.lastEntry().serverId()).isEqualTo("new");
  }

  @Test
  void aJobOfATypeNoServerHandlesFailsOnceTheGraceIsOver() {
    startServer(
        fastConfig("lonely").unknownTypeGrace(Duration.ofSeconds(2)).build(),
        b -> b.handle(COUNT, (args, ctx) -> {}));
    JobId id = client().enqueue(UNKNOWN, new Count(1)).id();
    await("failed after the grace")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> view(id).state() == JobState.FAILED);
    JobView failed = view(id);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(entries(failed, JobState.SCHEDULED)).as("put back while in its grace").isNotEmpty();
    assertThat(failed.lastEntry().reason())
        .contains("no handler registered for job type 'tck.not-handled-here' on server lonely")
        .contains("no server that has one took it within 2s of its creation")
        .contains("register it and requeue the job");
    assertThat(Duration.between(failed.history().get(0).at(), failed.lastEntry().at()).toMillis())
        .as("not before its grace")
        .isGreaterThanOrEqualTo(2_000);
  }

  @Test
  void unreadableArgumentsFailThatJobWithAClearReason() {
    BatonServer server = startCounter();
    JobId id = JobId.newId();
    JobSpec malformed =
        new JobSpec(
            id, COUNT.name(), "default", "{\"count\":\"many\"}", "{}", 5, null, null, null, null);
    storage().create(List.of(NewJob.now(malformed, "written by an older client")));

    JobView failed = awaitState(id, JobState.FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    StateEntry entry = failed.lastEntry();
    assertThat(entry.reason())
        .contains("cannot read the arguments of job type 'tck.count'")
        .contains("requeue the job");
    assertThat(entry.exception()).isNotNull();

    EnqueueResult good = client().enqueue(COUNT, new Count(2));
    awaitState(good.id(), JobState.SUCCEEDED);
    assertThat(server.isRunning()).isTrue();
  }

  private JobId createRaw(JobType<?> type, String argsJson) {
    JobId id = JobId.newId();
    JobSpec spec =
        new JobSpec(id, type.name(), "default", argsJson, "{}", 5, null, null, null, null);
    storage().create(List.of(NewJob.now(spec, "written by hand (test)")));
    return id;
  }

  /**
   * Strict arguments: a missing required component (a renamed field, a payload typed by hand) fails
   * the job naming it, where Jackson alone would run the handler with 0 or null.
   */
  @Test
  void aMissingRequiredPropertyFailsThatJobNamingIt() {
    java.util.List<Object> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    startServer(
        fastConfig("strict").build(),
        b -> b.handle(COUNT, (args, ctx) -> ran.add(args)).handle(RESIZE, (a, c) -> ran.add(a)));
    JobId empty = createRaw(COUNT, "{}");
    JobId renamed = createRaw(COUNT, "{\"total\":3}");
    JobId nullPrimitive = createRaw(COUNT, "{\"count\":null}");
    JobId nothing = createRaw(COUNT, "null");

    for (JobId id : List.of(empty, renamed)) {
      JobView failed = awaitState(id, JobState.FAILED);
      assertThat(failed.attempt()).isEqualTo(1);
      assertThat(failed.lastEntry().reason())
          .contains("cannot read the arguments of job type 'tck.count'")
          .contains("required property 'count' (int)")
          .contains("@OptionalArg");
    }
    assertThat(awaitState(nullPrimitive, JobState.FAILED).lastEntry().reason())
        .contains("cannot read the arguments of job type 'tck.count'");
    assertThat(awaitState(nothing, JobState.FAILED).lastEntry().reason())
        .contains("the arguments are null");

    JobId older = createRaw(RESIZE, "{\"image\":\"a.png\",\"retired\":true}");
    awaitState(older, JobState.SUCCEEDED);
    assertThat(ran)
        .as("an @OptionalArg component may be missing, unknown properties are ignored")
        .containsExactly(new Resize("a.png", null));
  }

  @Test
  void nullArgumentsAreRefusedAtEnqueueUnlessTheTypeTakesVoid() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client().enqueue(COUNT, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job type 'tck.count'")
        .hasMessageContaining("arguments are null")
        .hasMessageContaining("Void.class");
    JobType<Void> ping = JobType.of("tck.ping", Void.class);
    java.util.List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    startServer(
        fastConfig("strict").build(), b -> b.handle(ping, (args, ctx) -> ran.add("" + args)));
    awaitState(client().enqueue(ping, null).id(), JobState.SUCCEEDED);
    assertThat(ran).containsExactly("null");
  }

  @Test
  void argumentsWhoseReadingThrowsAnErrorFailThatJobWithAClearReason() {
    BatonServer server =
        startServer(
            fastConfig("strict").build(),
            b -> b.handle(COUNT, (args, ctx) -> {}).handle(EXPLOSIVE, (args, ctx) -> {}));
    JobId id = JobId.newId();
    JobSpec explosive =
        new JobSpec(
            id,
            EXPLOSIVE.name(),
            "default",
            "{\"fuse\":\"boom\"}",
            "{}",
            5,
            null,
            null,
            null,
            null);
    storage().create(List.of(NewJob.now(explosive, "a payload the reader cannot survive")));

    JobView failed = awaitState(id, JobState.FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(entries(failed, JobState.SCHEDULED)).isEmpty();
    assertThat(failed.lastEntry().reason())
        .contains("cannot read the arguments of job type 'tck.explosive'")
        .contains("requeue the job");

    EnqueueResult good = client().enqueue(COUNT, new Count(3));
    awaitState(good.id(), JobState.SUCCEEDED);
    assertThat(server.isRunning()).isTrue();
  }

  /**
   * An Error that escapes the run inside the server itself (here: the storage's {@code report},
   * flushing the job's progress before its outcome) fails that job with it, no retry; it is not
   * left PROCESSING under a server that no longer runs it. The server timeout is long, so no look
   * at the server's leases can be what saves it.
   */
  @Test
  void anErrorInsideTheServerFailsThatJobInsteadOfStrandingIt() {
    JobStorage broken =
        StorageInterceptor.before(
            fixture().newStorage(),
            "report",
            args -> {
              throw new LinkageError("a broken storage driver (test)");
            });
    BatonServer server =
        startServer(
            broken,
            fastConfig("broken").serverTimeout(Duration.ofSeconds(60)).build(),
            b ->
                b.handle(COUNT, (args, ctx) -> {})
                    .handle(EXPLOSIVE, (args, ctx) -> ctx.progress(50)));
    EnqueueResult r = client().enqueue(EXPLOSIVE, new Explosive("safe"));

    JobView failed = awaitState(r.id(), JobState.FAILED);
    assertThat(entries(failed, JobState.SCHEDULED)).isEmpty();
    assertThat(failed.lastEntry().reason())
        .contains("server broken broke while running the job")
        .contains("LinkageError")
        .contains("requeue the job");
    EnqueueResult good = client().enqueue(COUNT, new Count(4));
    awaitState(good.id(), JobState.SUCCEEDED);
    assertThat(server.isRunning()).isTrue();
  }

  @Test
  void aJobFailedForBadInputRunsAfterARequeueOnceFixed() {
    BatonServer old = startCounter();
    EnqueueResult r = client().enqueue(UNKNOWN, new Count(1));
    awaitState(r.id(), JobState.FAILED);

    // The fix is deployed: the old server is replaced by one that handles the type, as in a
    // rolling deploy. (With both running, which one claims the requeued job is a race.)
    old.close();
    startServer(fastConfig("fixed").build(), b -> b.handle(UNKNOWN, (args, ctx) -> {}));
    client().requeue(r.id());
    awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(view(r.id()).state()).isEqualTo(JobState.SUCCEEDED);
  }
}
