package dev.baton.tck;

import dev.baton.storage.JobStorage;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
   */
  public static JobStorage before(JobStorage storage, String method, Consumer<Object[]> before) {
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    for (Class<?> c = storage.getClass(); c != null; c = c.getSuperclass()) {
      interfaces.addAll(List.of(c.getInterfaces()));
    }
    InvocationHandler handler =
        (proxy, m, args) -> {
          if (m.getName().equals(method)) {
            before.accept(args == null ? new Object[0] : args);
          }
          try {
            return m.invoke(storage, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (JobStorage)
        Proxy.newProxyInstance(
            StorageInterceptor.class.getClassLoader(),
            interfaces.toArray(new Class<?>[0]),
            handler);
  }
}
