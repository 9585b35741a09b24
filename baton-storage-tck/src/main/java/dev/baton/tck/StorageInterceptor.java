package dev.baton.tck;

import dev.baton.storage.JobStorage;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A real storage with a hook ahead of one of its methods, for tests that must see or disturb one
 * kind of call (e.g. capture the listener a server subscribes, or fail the first reads). Every
 * other call goes straight to the storage; the wrapper implements every interface it does.
 */
public final class StorageInterceptor {
  private StorageInterceptor() {}

  /**
   * {@code storage}, with {@code before} called with the arguments of every call of the method
   * named {@code method}; what {@code before} throws is thrown to the caller instead of the call.
   * The arguments are the call's own: {@code before} may replace one (e.g. wrap the listener a
   * server subscribes).
   */
  public static JobStorage before(JobStorage storage, String method, Consumer<Object[]> before) {
    return wrap(
        storage,
        (m, args, call) -> {
          if (m.getName().equals(method)) {
            before.accept(args);
          }
          return call.get();
        });
  }

  /**
   * {@code storage}, with {@code after} called with the arguments and the result of every call of
   * the method named {@code method} that returned normally (e.g. to count what claims leased).
   */
  public static JobStorage after(
      JobStorage storage, String method, BiConsumer<Object[], Object> after) {
    return wrap(
        storage,
        (m, args, call) -> {
          Object result = call.get();
          if (m.getName().equals(method)) {
            after.accept(args, result);
          }
          return result;
        });
  }

  /**
   * {@code storage}, with every call of the method named {@code method} made through {@code
   * around}, which makes the call itself (at most once) and returns or throws what the caller gets
   * (e.g. to see the calls that fail, and when each ended).
   */
  public static JobStorage around(JobStorage storage, String method, Around around) {
    return wrap(
        storage, (m, args, call) -> m.getName().equals(method) ? around.apply(call) : call.get());
  }

  /** A hook around one kind of call: see {@link #around}. */
  public interface Around {
    Object apply(Call call) throws Throwable;
  }

  /** The call itself, to be made by a hook at most once. */
  public interface Call {
    Object get() throws Throwable;
  }

  private interface Hook {
    Object around(Method method, Object[] args, Call call) throws Throwable;
  }

  private static JobStorage wrap(JobStorage storage, Hook hook) {
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    for (Class<?> c = storage.getClass(); c != null; c = c.getSuperclass()) {
      interfaces.addAll(List.of(c.getInterfaces()));
    }
    InvocationHandler handler =
        (proxy, m, given) -> {
          Object[] args = given == null ? new Object[0] : given;
          return hook.around(
              m,
              args,
              () -> {
                try {
                  return m.invoke(storage, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
        };
    return (JobStorage)
        Proxy.newProxyInstance(
            StorageInterceptor.class.getClassLoader(),
            interfaces.toArray(new Class<?>[0]),
            handler);
  }
}
