package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobSearch;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.NewJob;
import dev.baton.tck.StorageFixture;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The search text is a LIKE pattern's literal on both databases: {@code %}, {@code _} and {@code \}
 * in it match only themselves (the kit checks the rest of the search).
 */
class JdbcSearchTextTest {
  static Stream<Supplier<StorageFixture>> fixtures() {
    return Stream.of(PostgresFixture::new, H2Fixture::new);
  }

  private static JobSpec spec(String args) {
    return new JobSpec(JobId.newId(), "noop", "default", args, "{}", 3, null, null, null, null);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void wildcardsAndEscapeCharacterInTheTextMatchOnlyThemselves(Supplier<StorageFixture> factory) {
    try (StorageFixture f = factory.get()) {
      JobStorage s = f.newStorage();
      JobSpec percent = spec("{\"code\":\"50%_OFF\"}");
      JobSpec plain = spec("{\"code\":\"50x-off\"}");
      JobSpec backslash = spec("{\"path\":\"a\\\\b\"}");
      JobSpec noBackslash = spec("{\"path\":\"ab\"}");
      s.create(
          List.of(
              NewJob.now(percent, "t"),
              NewJob.now(plain, "t"),
              NewJob.now(backslash, "t"),
              NewJob.now(noBackslash, "t")));
      JobMonitor m = (JobMonitor) s;

      assertThat(found(m, "50%_off")).containsExactly(percent.id());
      assertThat(found(m, "%")).containsExactly(percent.id());
      assertThat(found(m, "_")).containsExactly(percent.id());
      assertThat(found(m, "\\")).containsExactly(backslash.id());
      assertThat(found(m, "a\\\\b")).containsExactly(backslash.id());
      assertThat(found(m, "'); DROP TABLE baton_jobs; --")).isEmpty();
      assertThat(found(m, plain.id().toString().toUpperCase())).containsExactly(plain.id());
    }
  }

  private static List<JobId> found(JobMonitor m, String text) {
    return m.searchJobs(JobSearch.inState(JobState.ENQUEUED, 10).withText(text)).items().stream()
        .map(r -> r.spec().id())
        .toList();
  }
}
