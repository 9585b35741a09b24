package dev.baton.server;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where jobs run: one virtual thread per job on Java 21+, a fixed pool of platform threads on 17.
 * Baton compiles with {@code --release 17}, so the Java 21 API is looked up reflectively.
 */
final class WorkerThreads {
  private WorkerThreads() {}

  /** True when this JVM has virtual threads. */
  static boolean virtualAvailable() {
    return virtualFactory("probe-") != null;
  }

  /** An executor for {@code workers} concurrent jobs, threads named {@code prefix + n}. */
  static ExecutorService create(String prefix, int workers) {
    ThreadFactory virtual = virtualFactory(prefix);
    if (virtual != null) {
      try {
        MethodHandle perTask =
            MethodHandles.publicLookup()
                .findStatic(
                    Executors.class,
                    "newThreadPerTaskExecutor",
                    MethodType.methodType(ExecutorService.class, ThreadFactory.class));
        return (ExecutorService) perTask.invoke(virtual);
      } catch (Throwable e) {
        // fall through to platform threads
      }
    }
    return Executors.newFixedThreadPool(workers, platformFactory(prefix));
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
