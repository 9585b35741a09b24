package dev.baton.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where jobs run: virtual threads on Java 21+, platform threads on 17. Baton compiles with {@code
 * --release 17}, so the Java 21 API is looked up reflectively.
 */
final class WorkerThreads {
  private WorkerThreads() {}

  /** True when this JVM has virtual threads. */
  static boolean virtualAvailable() {
    return virtualFactory("probe-") != null;
  }

  /**
   * Threads for the workers, named {@code prefix + n}: virtual where the JVM has them, daemon
   * platform threads otherwise.
   */
  static ThreadFactory factory(String prefix) {
    ThreadFactory virtual = virtualFactory(prefix);
    return virtual != null ? virtual : platformFactory(prefix);
  }

  /** Daemon platform threads named {@code prefix + n}. */
  static ThreadFactory platformFactory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static ThreadFactory virtualFactory(String prefix) {
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> builderClass = Class.forName("java.lang.Thread$Builder");
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      Object builder =
          lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
      builder =
          lookup
              .findVirtual(
                  builderClass,
                  "name",
                  MethodType.methodType(builderClass, String.class, long.class))
              .invoke(builder, prefix, 1L);
      return (ThreadFactory)
          lookup
              .findVirtual(builderClass, "factory", MethodType.methodType(ThreadFactory.class))
              .invoke(builder);
    } catch (Throwable e) {
      return null;
    }
  }
}
