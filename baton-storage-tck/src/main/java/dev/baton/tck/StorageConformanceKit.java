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

  @Nested
  class Create extends dev.baton.tck.spi.CreateSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class Claim extends dev.baton.tck.spi.ClaimSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class Finish extends dev.baton.tck.spi.FinishSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class DeleteRequeue extends dev.baton.tck.spi.DeleteRequeueSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class PreviousRun extends dev.baton.tck.spi.PreviousRunSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class Servers extends dev.baton.tck.spi.ServersSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class TimeDriven extends dev.baton.tck.spi.TimeDrivenSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class Recurring extends dev.baton.tck.spi.RecurringSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class LockStorage extends dev.baton.tck.spi.LocksSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class Monitor extends dev.baton.tck.spi.MonitorSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class MonitorSearch extends dev.baton.tck.spi.MonitorSearchSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class Stats extends dev.baton.tck.spi.StatsStorageSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class HandOver extends dev.baton.tck.spi.HandOverSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class HandOverHammer extends dev.baton.tck.spi.HandOverHammerSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  // ------------------------------------------------------------ concurrency admission (SPI level)

  @Nested
  class SemaphoreAdmission extends dev.baton.tck.admission.SemaphoreAdmissionSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class RateLimitAdmission extends dev.baton.tck.admission.RateLimitAdmissionSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class WaitPolicyAdmission extends dev.baton.tck.admission.WaitPolicyAdmissionSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class UniqueRace extends dev.baton.tck.admission.UniqueRaceSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class AdmissionHammer extends dev.baton.tck.admission.AdmissionHammerSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

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
  class Batches extends dev.baton.tck.batch.BatchSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerBatches extends dev.baton.tck.batch.BatchServerSuite {
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
  class ServerTimeouts extends dev.baton.tck.server.TimeoutSuite {
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

  @Nested
  class ServerClient extends dev.baton.tck.server.ClientSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerWorkers extends dev.baton.tck.server.WorkersSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerFilters extends dev.baton.tck.server.FiltersSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerBatching extends dev.baton.tck.server.BatchingSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerHandOver extends dev.baton.tck.server.HandOverServerSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class ServerSelfFencing extends dev.baton.tck.server.SelfFencingSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  // ------------------------------------------------------------ recurring jobs

  @Nested
  class RecurringStorage extends dev.baton.tck.recurring.RecurringStorageSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class RecurringJobs extends dev.baton.tck.recurring.RecurringJobsSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class RecurringCluster extends dev.baton.tck.recurring.RecurringClusterSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class RecurringServers extends dev.baton.tck.recurring.RecurringServerSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  // ------------------------------------------------------------ concurrency end to end (servers)

  @Nested
  class Locks extends dev.baton.tck.concurrency.LockApiSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class Mutexes extends dev.baton.tck.concurrency.MutexSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class SemaphoresAndRates extends dev.baton.tck.concurrency.SemaphoreAndRateSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class UniqueJobs extends dev.baton.tck.concurrency.UniqueJobSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class WaitPolicies extends dev.baton.tck.concurrency.WaitPolicySuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  @Nested
  class KeyTemplates extends dev.baton.tck.concurrency.KeyTemplateSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

  // ------------------------------------------------------------ fuzz with an execution ledger

  @Nested
  class LedgerFuzz extends dev.baton.tck.ledger.LedgerFuzzSuite {
    @Override
    protected StorageFixture createFixture() {
      return StorageConformanceKit.this.createFixture();
    }
  }

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
