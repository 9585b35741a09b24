package dev.baton.bench;

import dev.baton.storage.JobStorage;
import dev.baton.storage.memory.InMemoryStorage;

/** In-memory storage: one process only; {@link #open} always returns the same instance. */
final class MemorySpec implements StorageSpec {
  private InMemoryStorage storage = new InMemoryStorage();

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String describe() {
    return "in-memory";
  }

  @Override
  public void reset() {
    storage.close();
    storage = new InMemoryStorage();
  }

  @Override
  public JobStorage open(Profile profile) {
    return storage;
  }

  @Override
  public boolean sharedAcrossProcesses() {
    return false;
  }
}
