package dev.baton.storage.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The test PostgreSQL as a DataSource whose connections count the statements they prepare (not the
 * pool's own session set-up) and the commits: how many round trips an operation costs, give or take
 * the driver's batching.
 */
final class CountingDataSource {
  final AtomicInteger statements = new AtomicInteger();
  final AtomicInteger commits = new AtomicInteger();

  /** A storage in the fixture's schema on counting connections. */
  JdbcStorage storage(PostgresFixture fixture) {
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(PostgresFixture.URL);
    pg.setUser(PostgresFixture.USER);
    DataSource counting = proxy(DataSource.class, pg, m -> {});
    return fixture.register(
        JdbcStorage.postgres(counting).schema(fixture.schema).poolSize(2).build());
  }

  void reset() {
    statements.set(0);
    commits.set(0);
  }

  private <T> T proxy(Class<T> type, T target, java.util.function.Consumer<Method> count) {
    return type.cast(
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {type},
            (p, method, args) -> {
              count.accept(method);
              Object result = invoke(target, method, args);
              // unwrap hands out the driver's own connection (LISTEN needs PGConnection).
              return result instanceof Connection c
                      && !(result instanceof Proxy)
                      && !method.getName().equals("unwrap")
                  ? proxy(Connection.class, c, this::count)
                  : result;
            }));
  }

  private void count(Method m) {
    switch (m.getName()) {
      // Not createStatement: the pool runs a new connection's session settings (the statement
      // timeout) through it, whenever it opens one, and LISTEN uses it; every operation prepares.
      case "prepareStatement" -> statements.incrementAndGet();
      case "commit" -> commits.incrementAndGet();
      default -> {}
    }
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
