package dev.baton.spring;

import dev.baton.storage.JobStorage;
import dev.baton.storage.NewJob;
import dev.baton.storage.jdbc.JdbcStorage;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The storage the client bean enqueues through: inside a Spring transaction on the application's
 * {@code DataSource}, {@code create} writes the jobs on that transaction's own connection ({@link
 * JdbcStorage#create(Connection, List)}), so they exist only if the transaction commits, in the
 * same commit; outside one, it is the storage itself. Every other call, and every optional
 * interface the storage implements (monitor, locks, statistics), goes straight to the storage.
 */
final class TransactionalEnqueue implements InvocationHandler {
  private final JdbcStorage storage;
  private final DataSource dataSource;

  private TransactionalEnqueue(JdbcStorage storage, DataSource dataSource) {
    this.storage = storage;
    this.dataSource = dataSource;
  }

  /** {@code storage} with enqueue joining the Spring transaction on {@code dataSource}. */
  static JobStorage wrap(JdbcStorage storage, DataSource dataSource) {
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    for (Class<?> c = storage.getClass(); c != null; c = c.getSuperclass()) {
      interfaces.addAll(List.of(c.getInterfaces()));
    }
    return (JobStorage)
        Proxy.newProxyInstance(
            TransactionalEnqueue.class.getClassLoader(),
            interfaces.toArray(Class<?>[]::new),
            new TransactionalEnqueue(storage, dataSource));
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getName().equals("create")
        && args != null
        && args.length == 1
        && args[0] instanceof List<?>
        && inTransaction()) {
      Connection connection = DataSourceUtils.getConnection(dataSource);
      try {
        return storage.create(connection, (List<NewJob>) args[0]);
      } finally {
        DataSourceUtils.releaseConnection(connection, dataSource);
      }
    }
    if (method.getName().equals("toString") && args == null) {
      return "transactional enqueue over " + storage;
    }
    try {
      return method.invoke(storage, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** An actual (not merely synchronized) transaction holds a connection of our DataSource. */
  private boolean inTransaction() {
    return TransactionSynchronizationManager.isActualTransactionActive()
        && TransactionSynchronizationManager.getResource(dataSource) != null;
  }
}
