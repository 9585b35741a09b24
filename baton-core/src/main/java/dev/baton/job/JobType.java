package dev.baton.job;

import dev.baton.concurrency.KeyResolver;
import dev.baton.storage.JobSpec;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A typed job definition with a stable name: the name is what is stored, so renaming the Java class
 * of the arguments or the handler never strands queued jobs.
 *
 * <pre>{@code
 * static final JobType<VideoArgs> VIDEO =
 *     JobType.of("download-video", VideoArgs.class)
 *         .withOptions(o -> o.queue("media").mutex("video:{videoId}"));
 * }</pre>
 *
 * @param <A> the argument type, written as JSON (records are supported)
 */
public final class JobType<A> {
  private final String name;
  private final Class<A> argsType;
  private final JobOptions options;

  private JobType(String name, Class<A> argsType, JobOptions options) {
    if (!JobSpec.isTypeName(name)) {
      throw new IllegalArgumentException(
          "job type name must match " + JobSpec.TYPE_NAME + ", got '" + name + "'");
    }
    this.name = name;
    this.argsType = Objects.requireNonNull(argsType, "argsType");
    this.options = Objects.requireNonNull(options, "options");
    // Key templates are checked against the argument type here, so a typo in "video:{vidoeId}"
    // fails when the type is defined, not when the first job is enqueued.
    KeyResolver.validate(name, argsType, options);
  }

  public static <A> JobType<A> of(String name, Class<A> argsType) {
    return new JobType<>(name, argsType, JobOptions.NONE);
  }

  /** This type with its default options changed by {@code change}. */
  public JobType<A> withOptions(UnaryOperator<JobOptions.Builder> change) {
    return new JobType<>(name, argsType, change.apply(options.toBuilder()).build());
  }

  public String name() {
    return name;
  }

  public Class<A> argsType() {
    return argsType;
  }

  public JobOptions options() {
    return options;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobType<?> t && t.name.equals(name) && t.argsType.equals(argsType);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return "JobType[" + name + ", " + argsType.getSimpleName() + "]";
  }
}
