package dev.baton.tck.spi;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.Uniqueness;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A job for the kit's suites, built fluently: {@code TestJob.job().queue("mail").mutex("k")}. Every
 * call returns a new builder, so a base can be shared and varied.
 */
public final class TestJob implements Cloneable {
  /** The type name every kit job has unless told otherwise. */
  public static final String TYPE = "tck-job";

  private JobId id = JobId.newId();
  private String type = TYPE;
  private String queue = JobSpec.DEFAULT_QUEUE;
  private JobId parent;
  private ContinuationCondition continueOn;
  private List<Permit> permits = List.of();
  private WaitPolicy waitPolicy = WaitPolicy.WAIT;
  private ReleasePolicy releasePolicy = ReleasePolicy.ON_LEAVE_PROCESSING;
  private Uniqueness unique;
  private Instant runAt;
  private Duration delay;
  private String reason = "created by the kit";
  private String argsJson = "{\"n\":1}";

  private TestJob() {}

  /** An ENQUEUED-on-create job in queue {@code default}, with a fresh id and no limits. */
  public static TestJob job() {
    return new TestJob();
  }

  private TestJob copy() {
    try {
      return (TestJob) clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  public TestJob id(JobId newId) {
    TestJob t = copy();
    t.id = newId;
    return t;
  }

  /** The same job under a fresh id (the way to make a second, otherwise equal job). */
  public TestJob another() {
    return id(JobId.newId());
  }

  public TestJob queue(String name) {
    TestJob t = copy();
    t.queue = name;
    return t;
  }

  public TestJob type(String name) {
    TestJob t = copy();
    t.type = name;
    return t;
  }

  public TestJob after(JobId parentId, ContinuationCondition on) {
    TestJob t = copy();
    t.parent = parentId;
    t.continueOn = on;
    return t;
  }

  public TestJob unique(String key, Uniqueness.Hold hold, Duration ttl) {
    TestJob t = copy();
    t.unique = new Uniqueness(key, hold, ttl);
    return t;
  }

  public TestJob unique(String key) {
    return unique(key, Uniqueness.Hold.UNTIL_FINISH, null);
  }

  /** Needs all of {@code needed} together (see {@link Concurrency}). */
  public TestJob permits(Permit... needed) {
    TestJob t = copy();
    t.permits = List.of(needed);
    return t;
  }

  public TestJob mutex(String key) {
    return permits(Permit.mutex(key));
  }

  public TestJob waitPolicy(WaitPolicy policy) {
    TestJob t = copy();
    t.waitPolicy = policy;
    return t;
  }

  public TestJob releasePolicy(ReleasePolicy policy) {
    TestJob t = copy();
    t.releasePolicy = policy;
    return t;
  }

  public TestJob delay(Duration after) {
    TestJob t = copy();
    t.delay = after;
    t.runAt = null;
    return t;
  }

  public TestJob runAt(Instant at) {
    TestJob t = copy();
    t.runAt = at;
    t.delay = null;
    return t;
  }

  /** Arguments as JSON (default {@code {"n":1}}). */
  public TestJob args(String json) {
    TestJob t = copy();
    t.argsJson = json;
    return t;
  }

  public TestJob reason(String why) {
    TestJob t = copy();
    t.reason = why;
    return t;
  }

  public JobId id() {
    return id;
  }

  public JobSpec spec() {
    return new JobSpec(
        id,
        type,
        queue,
        argsJson,
        "{}",
        3,
        parent,
        continueOn,
        new Concurrency(permits, waitPolicy, releasePolicy),
        unique);
  }

  public NewJob toNew() {
    return new NewJob(spec(), runAt, delay, reason);
  }
}
