package dev.baton.client;

import dev.baton.BatonException;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.json.JsonCodec;
import dev.baton.state.JobState;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.NewJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and steers jobs: enqueue, schedule, continue, enqueue a batch in one storage call,
 * delete, requeue, read back. An instance per storage, no static state; thread-safe.
 *
 * <pre>{@code
 * BatonClient client = BatonClient.create(storage);
 * EnqueueResult r = client.enqueue(VIDEO, new VideoArgs(42));
 * }</pre>
 *
 * <p>Expected outcomes are values (a duplicate is an {@link EnqueueResult}); bad input (arguments
 * that cannot be written as JSON or are too large, invalid names) is an {@link
 * IllegalArgumentException} or {@link BatonException} naming the job type and the problem.
 */
public final class BatonClient {
  private static final Logger log = LoggerFactory.getLogger(BatonClient.class);

  /** Largest JSON of one job's arguments accepted by default: 512 KiB. */
  public static final int DEFAULT_MAX_ARGUMENT_BYTES = 512 * 1024;

  /** How long a deleted job is kept (visible in history) before it is purged: 1 day. */
  public static final Duration DEFAULT_DELETE_RETENTION = Duration.ofDays(1);

  private final JobStorage storage;
  private final JobSpecFactory specs;
  private final int maxArgumentBytes;
  private final Duration deleteRetention;
  private final List<ClientListener> listeners;

  private BatonClient(Builder b) {
    this.storage = b.storage;
    this.specs = new JobSpecFactory(b.json);
    this.maxArgumentBytes = b.maxArgumentBytes;
    this.deleteRetention = b.deleteRetention;
    this.listeners = List.copyOf(b.listeners);
  }

  /** A client with the default codec and limits. */
  public static BatonClient create(JobStorage storage) {
    return builder(storage).build();
  }

  public static Builder builder(JobStorage storage) {
    return new Builder(storage);
  }

  public JobStorage storage() {
    return storage;
  }

  public JobSpecFactory specs() {
    return specs;
  }

  /** Recurring jobs in this client's storage: define, pause, trigger, list. */
  public dev.baton.recurring.RecurringJobs recurring() {
    return new dev.baton.recurring.RecurringJobs(storage, specs);
  }

  /**
   * Read-only queries over this client's storage: counts per state, job search and pages, a job's
   * history and logs, servers, queues, concurrency keys with holders and waiters, locks. What the
   * dashboard reads; none of it changes anything.
   *
   * @throws IllegalStateException if this client's storage does not implement {@link
   *     dev.baton.storage.JobMonitor} (every storage Baton ships does)
   */
  public dev.baton.storage.JobMonitor monitor() {
    if (!(storage instanceof dev.baton.storage.JobMonitor monitor)) {
      throw new IllegalStateException(
          "storage " + storage.getClass().getName() + " offers no monitoring (JobMonitor)");
    }
    return monitor;
  }

  /**
   * Named locks for code that is not a job, held as {@code owner} (shown on the dashboard).
   *
   * @throws IllegalStateException if this client's storage does not implement {@link
   *     dev.baton.storage.LockStorage}
   */
  public dev.baton.concurrency.BatonLocks locks(String owner) {
    if (!(storage instanceof dev.baton.storage.LockStorage lockStorage)) {
      throw new IllegalStateException(
          "storage " + storage.getClass().getName() + " does not offer locks (LockStorage)");
    }
    return new dev.baton.concurrency.BatonLocks(lockStorage, owner);
  }

  public <A> EnqueueResult enqueue(JobType<A> type, A args) {
    return one(JobRequest.of(type, args), "enqueued");
  }

  /** Enqueues a job with {@code options} laid over its type's defaults. */
  public <A> EnqueueResult enqueue(JobType<A> type, A args, JobOptions options) {
    return one(JobRequest.of(type, args).withOptions(options), "enqueued");
  }

  /** Schedules a job to run at {@code time}. */
  public <A> EnqueueResult schedule(JobType<A> type, A args, Instant time) {
    return one(JobRequest.of(type, args).at(time), "scheduled for " + time);
  }

  /** Schedules a job to run {@code delay} from now, measured on the storage's clock. */
  public <A> EnqueueResult schedule(JobType<A> type, A args, Duration delay) {
    return one(JobRequest.of(type, args).after(delay), "scheduled in " + delay);
  }

  /** Creates a job that starts when {@code parent} succeeds. */
  public <A> EnqueueResult continueWith(JobId parent, JobType<A> type, A args) {
    return continueWith(parent, type, args, ContinuationCondition.ON_SUCCESS);
  }

  /** Creates a job that starts when {@code parent} meets {@code condition}. */
  public <A> EnqueueResult continueWith(
      JobId parent, JobType<A> type, A args, ContinuationCondition condition) {
    return one(
        JobRequest.of(type, args).continuing(parent, condition),
        "continuation of " + parent + " (" + condition + ")");
  }

  /**
   * Creates every request in ONE storage call: all or none (duplicates are results). A request may
   * continue one earlier in the list. Results are in request order.
   */
  public List<EnqueueResult> enqueueAll(List<JobRequest> requests) {
    List<NewJob> jobs = new ArrayList<>(requests.size());
    for (JobRequest r : requests) {
      jobs.add(newJob(r, "enqueued in a batch of " + requests.size()));
    }
    return create(jobs);
  }

  /**
   * Deletes a job from any state; a running job's cancellation fires on its server. Returns false
   * if the job is unknown or already deleted.
   */
  public boolean delete(JobId id) {
    Optional<JobState> previous = storage.delete(id, "deleted by a client", deleteRetention);
    previous.ifPresent(state -> tell(l -> l.onDeleted(id, state)));
    return previous.isPresent();
  }

  /**
   * Requeues a job at the tail of its queue with its attempts reset (a running job's cancellation
   * fires). Returns false if the job is unknown or already enqueued.
   */
  public boolean requeue(JobId id) {
    return storage.requeue(id, "requeued by a client").isPresent();
  }

  /**
   * A new batch: add members and optionally a continuation, then {@link BatchBuilder#enqueue()}
   * writes them in one storage step, all or none. See docs/jobs.md, "Batches".
   */
  public BatchBuilder batch() {
    batchStorage();
    return new BatchBuilder(this);
  }

  /** A batch's counts and its continuation's state, read in one storage step; empty if unknown. */
  public Optional<BatchStatus> batchStatus(dev.baton.job.BatchId id) {
    return batchStorage().batch(Objects.requireNonNull(id, "id")).map(BatchStatus::of);
  }

  BatchResult createBatch(
      dev.baton.job.BatchId id,
      List<JobRequest> members,
      JobRequest continuation,
      ContinuationCondition continueOn) {
    List<NewJob> jobs = new ArrayList<>(members.size());
    String reason = "enqueued in batch " + id + " of " + members.size();
    for (JobRequest r : members) {
      jobs.add(newJob(r, reason));
    }
    NewJob cont =
        continuation == null
            ? null
            : newJob(continuation, "continuation of batch " + id + " (" + continueOn + ")");
    batchStorage().createBatch(new dev.baton.storage.NewBatch(id, jobs, cont, continueOn));
    return new BatchResult(
        id,
        members.stream().map(JobRequest::id).toList(),
        continuation == null ? null : continuation.id());
  }

  private dev.baton.storage.BatchStorage batchStorage() {
    if (!(storage instanceof dev.baton.storage.BatchStorage batches)) {
      throw new IllegalStateException(
          "storage " + storage.getClass().getName() + " does not offer batches (BatchStorage)");
    }
    return batches;
  }

  /** The job with its history, logs, progress and block info, or empty if unknown or purged. */
  public Optional<JobView> find(JobId id) {
    return storage.find(id).map(JobView::new);
  }

  private EnqueueResult one(JobRequest request, String reason) {
    return create(List.of(newJob(request, reason))).get(0);
  }

  private List<EnqueueResult> create(List<NewJob> jobs) {
    List<CreateResult> results = storage.create(jobs);
    if (!listeners.isEmpty()) {
      for (int i = 0; i < jobs.size() && i < results.size(); i++) {
        JobSpec spec = jobs.get(i).spec();
        CreateResult result = results.get(i);
        tell(l -> l.onCreated(spec, result));
      }
    }
    return results.stream().map(EnqueueResult::of).toList();
  }

  /** The headers the listeners add to a job about to be created; bad entries are dropped. */
  private Map<String, String> headers(JobSpec spec) {
    Map<String, String> headers = new LinkedHashMap<>();
    tell(
        l ->
            l.onCreating(
                spec,
                (key, value) -> {
                  if (key == null
                      || value == null
                      || key.length() > JobMeta.MAX_HEADER_KEY_CHARS
                      || value.length() > JobMeta.MAX_HEADER_VALUE_CHARS) {
                    log.warn(
                        "client listener {} gave job {} a header that is null or too long (key"
                            + " {} chars, value {} chars, at most {} and {}); dropped",
                        l,
                        spec.id(),
                        key == null ? 0 : key.length(),
                        value == null ? 0 : value.length(),
                        JobMeta.MAX_HEADER_KEY_CHARS,
                        JobMeta.MAX_HEADER_VALUE_CHARS);
                  } else {
                    headers.put(key, value);
                  }
                }));
    return headers;
  }

  /** A listener's failure must not turn a done create or delete into an exception. */
  private void tell(java.util.function.Consumer<ClientListener> call) {
    for (ClientListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        log.warn("client listener {} threw; skipped", listener, e);
      }
    }
  }

  private NewJob newJob(JobRequest r, String reason) {
    JobSpec spec = spec(r);
    int size = spec.argsJson().getBytes(StandardCharsets.UTF_8).length;
    if (size > maxArgumentBytes) {
      throw new IllegalArgumentException(
          "arguments of job type '"
              + r.type().name()
              + "' are "
              + size
              + " bytes of JSON, above this client's maxArgumentBytes of "
              + maxArgumentBytes
              + "; store large data elsewhere and pass a reference");
    }
    spec = JobMeta.withSchedule(specs.json(), spec, r.runAt(), r.delay());
    if (!listeners.isEmpty()) {
      spec = JobMeta.withHeaders(specs.json(), spec, headers(spec));
    }
    return new NewJob(spec, r.runAt(), r.delay(), reason);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private JobSpec spec(JobRequest r) {
    try {
      return specs.build(
          r.id(), (JobType) r.type(), r.args(), r.options(), r.parent(), r.continueOn());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot enqueue job type '" + r.type().name() + "': " + e.getMessage(), e);
    } catch (BatonException e) {
      throw new BatonException(
          "cannot enqueue job type '" + r.type().name() + "': " + e.getMessage(), e);
    }
  }

  /** Configures a {@link BatonClient}; values are checked as they are set. */
  public static final class Builder {
    private final JobStorage storage;
    private JsonCodec json = new JsonCodec();
    private int maxArgumentBytes = DEFAULT_MAX_ARGUMENT_BYTES;
    private Duration deleteRetention = DEFAULT_DELETE_RETENTION;
    private final List<ClientListener> listeners = new ArrayList<>();

    private Builder(JobStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
    }

    public Builder json(JsonCodec json) {
      this.json = Objects.requireNonNull(json, "json");
      return this;
    }

    public Builder maxArgumentBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException(
            "invalid client configuration: maxArgumentBytes must be at least 1, got " + bytes);
      }
      this.maxArgumentBytes = bytes;
      return this;
    }

    public Builder deleteRetention(Duration retention) {
      if (retention == null || retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException(
            "invalid client configuration: deleteRetention must be a positive duration, got "
                + retention);
      }
      this.deleteRetention = retention;
      return this;
    }

    /**
     * Adds a listener that may add headers to each job before it is created and is told of every
     * job this client created or deleted (metrics, tracing, audit); listeners run in this order.
     */
    public Builder listener(ClientListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public BatonClient build() {
      return new BatonClient(this);
    }
  }
}
