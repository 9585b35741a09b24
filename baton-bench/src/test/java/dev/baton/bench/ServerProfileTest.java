package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.baton.server.BatonServer;
import dev.baton.storage.JobStorage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every benchmark profile builds a server on every storage: a server refuses settings a storage's
 * call timeouts cannot meet, and a profile that no longer builds is a benchmark that no longer runs
 * (the fast-recovery profile did, once issue 18 made the server check its storage's calls).
 */
class ServerProfileTest {
  @ParameterizedTest
  @CsvSource({
    "postgres,DEFAULT", "postgres,TUNED", "postgres,FAST_RECOVERY",
    "redis,DEFAULT", "redis,TUNED", "redis,FAST_RECOVERY",
    "h2,DEFAULT", "h2,TUNED", "h2,FAST_RECOVERY",
    "memory,DEFAULT", "memory,TUNED", "memory,FAST_RECOVERY"
  })
  void everyProfileBuildsAServerOnEveryStorage(
      String storage, BenchServerMain.ServerProfile profile) throws Exception {
    BenchOptions options =
        BenchOptions.parse(
            "--storage=" + storage,
            "--redis-url=redis://127.0.0.1:6379/13",
            "--schema=bench_profiles",
            "--data-dir=target/profile-test-h2");
    StorageSpec spec = StorageSpecs.create(options);
    spec.reset();
    try (JobStorage s = spec.open(profile.storageProfile())) {
      assertThatCode(
              () ->
                  BatonServer.builder(s)
                      .config(profile.config("profile-test", options).build())
                      .handle(BenchJobs.NOOP, (args, ctx) -> {})
                      .build())
          .as("%s on %s", profile, storage)
          .doesNotThrowAnyException();
    }
  }
}
