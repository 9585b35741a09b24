package dev.baton.tck;

import dev.baton.storage.JobStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of every suite in the kit: a fresh fixture per test, and {@link #storage()} for the common
 * case of one client. Suites are abstract; a storage runs them all through {@link
 * StorageConformanceKit}.
 */
public abstract class TckSuite {
  private StorageFixture fixture;
  private JobStorage storage;

  /** Supplied by the storage under test: a new fixture with an empty, isolated data set. */
  protected abstract StorageFixture createFixture();

  @BeforeEach
  final void openFixture() {
    fixture = createFixture();
    storage = fixture.newStorage();
  }

  @AfterEach
  final void closeFixture() {
    if (fixture != null) {
      fixture.close();
    }
  }

  protected StorageFixture fixture() {
    return fixture;
  }

  /** The first storage client of this test's fixture. */
  protected JobStorage storage() {
    return storage;
  }
}
