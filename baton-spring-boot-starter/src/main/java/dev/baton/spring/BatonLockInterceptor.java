package dev.baton.spring;

import dev.baton.concurrency.BatonLocks;
import dev.baton.concurrency.LockHandle;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** Takes the {@link BatonLock} lock around the call, or skips the call when another holds it. */
final class BatonLockInterceptor implements MethodInterceptor {
  private static final Logger log = LoggerFactory.getLogger(BatonLockInterceptor.class);

  private final Supplier<BatonLocks> locks;
  private final Supplier<BatonLockContext> context;

  BatonLockInterceptor(Supplier<BatonLocks> locks, Supplier<BatonLockContext> context) {
    this.locks = locks;
    this.context = context;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    BatonLock lock = AnnotatedElementUtils.findMergedAnnotation(method, BatonLock.class);
    if (lock == null) {
      return invocation.proceed();
    }
    Duration atMost = parse(lock.atMost(), "atMost", lock);
    Duration atLeast = parse(lock.atLeast(), "atLeast", lock);
    Optional<LockHandle> taken = locks.get().tryLock(lock.name(), atMost, atLeast);
    if (taken.isEmpty()) {
      log.debug("lock '{}' is held elsewhere; skipping {}", lock.name(), method.getName());
      return skipped(method.getReturnType());
    }
    BatonLockContext ctx = context.get();
    try (LockHandle handle = taken.get()) {
      LockHandle outer = ctx.enter(handle);
      try {
        return invocation.proceed();
      } finally {
        ctx.leave(outer);
      }
    }
  }

  static Duration parse(String text, String attribute, BatonLock lock) {
    try {
      return DurationStyle.detectAndParse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "@BatonLock(name = \""
              + lock.name()
              + "\"): "
              + attribute
              + " '"
              + text
              + "' is not a duration (use 30s, 10m or PT10M)",
          e);
    }
  }

  private static Object skipped(Class<?> type) {
    if (!type.isPrimitive() || type == void.class) {
      return null;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == char.class) {
      return (char) 0;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == double.class) {
      return 0d;
    }
    if (type == float.class) {
      return 0f;
    }
    if (type == byte.class) {
      return (byte) 0;
    }
    if (type == short.class) {
      return (short) 0;
    }
    return 0;
  }
}
