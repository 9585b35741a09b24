package dev.baton.storage.memory;

import dev.baton.storage.JobStorage;
import dev.baton.tck.StorageFixture;

/** One fresh {@link InMemoryStorage} per fixture, shared by every client the kit asks for. */
final class InMemoryFixture implements StorageFixture {
  private final InMemoryStorage storage = new InMemoryStorage();

  @Override
  public JobStorage newStorage() {
    return storage;
  }

  @Override
  public void close() {
    storage.close();
  }
}
