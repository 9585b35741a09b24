package dev.baton.spring;

import dev.baton.job.JobHandler;
import dev.baton.job.JobType;

/**
 * A handler bean that names its own job type, so no separate {@code JobType} bean is needed:
 *
 * <pre>{@code
 * @Component
 * class ResizeHandler implements BatonJobHandler<Resize> {
 *   public JobType<Resize> jobType() { return Jobs.RESIZE; }
 *   public void run(Resize args, JobContext ctx) { ... }
 * }
 * }</pre>
 *
 * @param <A> the argument type
 */
public interface BatonJobHandler<A> extends JobHandler<A> {
  /** The type whose jobs this bean runs. */
  JobType<A> jobType();
}
