package dev.baton.tck;

import org.junit.jupiter.api.Nested;

/**
 * The whole conformance kit. A storage module runs all of it with one small subclass:
 *
 * <pre>{@code
 * class InMemoryConformanceTest extends StorageConformanceKit {
 *   protected StorageFixture createFixture() { return new InMemoryFixture(); }
 * }
 * }</pre>
 *
 * Each suite is an abstract class of its own; it is listed here once as a {@code @Nested} class
 * that hands it this kit's fixture.
 */
public abstract class StorageConformanceKit {

  /** A new fixture with an empty, isolated data set. */
  protected abstract StorageFixture createFixture();

  // ------------------------------------------------------------ SPI operations (storage contract)

  // ------------------------------------------------------------ concurrency admission (SPI level)

  // ------------------------------------------------------------ server behaviour end to end

  @Nested
  class ServerRunJobs extends dev.baton.tck.server.RunJobsSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerRetry extends dev.baton.tck.server.RetrySuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerContinuation extends dev.baton.tck.server.ContinuationSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerRecovery extends dev.baton.tck.server.RecoverySuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerCancellation extends dev.baton.tck.server.CancellationSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerShutdown extends dev.baton.tck.server.ShutdownSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerRetention extends dev.baton.tck.server.RetentionSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerBadInput extends dev.baton.tck.server.BadInputSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerOutage extends dev.baton.tck.server.OutageSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  // ------------------------------------------------------------ recurring jobs

  // ------------------------------------------------------------ concurrency end to end (servers)

  @Nested
  class Locks extends dev.baton.tck.concurrency.LockApiSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  // ------------------------------------------------------------ fuzz with an execution ledger

  // Each entry:  @Nested class Create extends CreateSuite {
  //                 @Override protected StorageFixture createFixture() {
  //                   return StorageConformanceKit.this.createFixture(); } }

  /** The fixture itself opens a storage and closes cleanly. */
  @Nested
  class Kit {
    @org.junit.jupiter.api.Test
    void fixtureOpensAndCloses() {
      try (StorageFixture f = createFixture()) {
        org.assertj.core.api.Assertions.assertThat(f.newStorage()).isNotNull();
      }
    }
  }
}
