package dev.baton.storage.jdbc;

import dev.baton.storage.JobStorage;
import dev.baton.storage.StorageListener;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push notifications of one storage: what a transaction announces before it commits, and how the
 * announcements reach the subscribed listeners (of every process sharing the schema).
 */
abstract class Notifications implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifications.class);

  private final List<StorageListener> listeners = new CopyOnWriteArrayList<>();

  /** Written inside the transaction, so it is seen only if (and once) the transaction commits. */
  abstract void beforeCommit(Tx tx) throws SQLException;

  /** Called after a successful commit of a transaction run by this storage. */
  abstract void afterCommit(Tx tx);

  /** Starts the delivery thread when the first listener subscribes. */
  abstract void start();

  @Override
  public abstract void close();

  JobStorage.Subscription subscribe(StorageListener listener) {
    listeners.add(listener);
    start();
    return () -> listeners.remove(listener);
  }

  boolean hasListeners() {
    return !listeners.isEmpty();
  }

  void fireAvailable(String queue) {
    for (StorageListener l : listeners) {
      try {
        l.jobsAvailable(queue);
      } catch (RuntimeException e) {
        log.warn("a storage listener failed on jobsAvailable({})", queue, e);
      }
    }
  }

  void fireHandedOver(dev.baton.storage.LeasedJob job) {
    for (StorageListener l : listeners) {
      try {
        l.jobHandedOver(job);
      } catch (RuntimeException e) {
        log.warn("a storage listener failed on jobHandedOver({})", job.lease(), e);
      }
    }
  }

  void firePushResumed() {
    for (StorageListener l : listeners) {
      try {
        l.pushResumed();
      } catch (RuntimeException e) {
        log.warn("a storage listener failed on pushResumed()", e);
      }
    }
  }

  void fireRevoked(dev.baton.storage.Lease lease) {
    for (StorageListener l : listeners) {
      try {
        l.leaseRevoked(lease);
      } catch (RuntimeException e) {
        log.warn("a storage listener failed on leaseRevoked({})", lease, e);
      }
    }
  }
}
