package dev.baton.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a method (typically a Spring {@code @Scheduled} one) only while holding a Baton lock: on
 * every other instance the call returns at once without running (ShedLock's behaviour). The lock
 * expires by the storage's clock; inside the method {@link BatonLockContext#token()} gives the
 * holder's fencing token.
 *
 * <pre>{@code
 * @Scheduled(cron = "0 * * * * *")
 * @BatonLock(name = "rebuild-cache", atMost = "5m", atLeast = "30s")
 * void rebuild() { cache.rebuild(lockContext.token()); }
 * }</pre>
 *
 * A skipped call returns {@code null} (or the primitive's zero), so annotate {@code void} methods.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BatonLock {
  /** The lock's name, shared by every instance that must not run the method at once. */
  String name();

  /**
   * How long the lock outlives a crashed holder: longer than the method ever runs. A duration such
   * as {@code 10m}, {@code 30s} or {@code PT10M}.
   */
  String atMost();

  /**
   * How long the lock stays taken after it was acquired even if the method returns sooner, so a
   * method scheduled on every instance runs once per period despite clock skew. Default none.
   */
  String atLeast() default "0s";
}
