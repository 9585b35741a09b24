package dev.baton.tck;

import dev.baton.storage.JobStorage;

/**
 * How the kit gets storages: one fixture per test, owning one isolated, empty data set (a fresh
 * schema, database, Redis namespace, or in-memory instance) that is dropped on {@link #close()}.
 */
public interface StorageFixture extends AutoCloseable {
  /**
   * A storage client onto this fixture's data set. Each call may return a new client (its own
   * connections, as a separate server process would have) onto the same data; in-memory storages
   * return the one shared instance. The fixture closes what it handed out.
   */
  JobStorage newStorage();

  /**
   * Whether {@link #newStorage()} returns independent clients (true for networked storages), so
   * suites that simulate several processes know whether they share one object.
   */
  default boolean independentClients() {
    return false;
  }

  @Override
  void close();
}
