package dev.baton.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.concurrency.Uniqueness;
import dev.baton.job.BatchId;
import dev.baton.job.JobId;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewBatchTest {
  private static NewJob job() {
    return NewJob.now(spec(JobId.newId(), null, null), "test");
  }

  private static JobSpec spec(JobId id, JobId parent, Uniqueness unique) {
    return new JobSpec(id, "t", "default", "{}", "{}", 1, parent, null, null, unique);
  }

  @Test
  void membersAndContinuationMustNotHaveParentsOrUniquenessKeys() {
    BatchId id = BatchId.newId();
    NewJob child = NewJob.now(spec(JobId.newId(), JobId.newId(), null), "x");
    NewJob unique =
        NewJob.now(
            spec(JobId.newId(), null, new Uniqueness("k", Uniqueness.Hold.UNTIL_FINISH, null)),
            "x");
    assertThatThrownBy(() -> new NewBatch(id, List.of(job(), child), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not continue another job");
    assertThatThrownBy(() -> new NewBatch(id, List.of(unique), null, null))
        .hasMessageContaining("uniqueness key");
    assertThatThrownBy(
            () -> new NewBatch(id, List.of(job()), child, ContinuationCondition.ON_SUCCESS))
        .hasMessageContaining("continuation");
  }

  @Test
  void sizeAndDistinctIdsAreChecked() {
    BatchId id = BatchId.newId();
    NewJob one = job();
    assertThatThrownBy(() -> new NewBatch(id, List.of(), null, null))
        .hasMessageContaining("1 to " + NewBatch.MAX_MEMBERS);
    assertThatThrownBy(
            () -> new NewBatch(id, Collections.nCopies(NewBatch.MAX_MEMBERS + 1, one), null, null))
        .hasMessageContaining("1 to " + NewBatch.MAX_MEMBERS);
    assertThatThrownBy(() -> new NewBatch(id, List.of(one, one), null, null))
        .hasMessageContaining("more than once");
    assertThatThrownBy(() -> new NewBatch(id, List.of(one), one, null))
        .hasMessageContaining("also a member");
  }

  @Test
  void aContinuationDefaultsToOnSuccessAndJobsListsItLast() {
    NewJob member = job();
    NewJob cont = job();
    NewBatch b = new NewBatch(BatchId.newId(), List.of(member), cont, null);
    assertThat(b.continueOn()).isEqualTo(ContinuationCondition.ON_SUCCESS);
    assertThat(b.jobs()).containsExactly(member, cont);
    assertThat(
            new NewBatch(BatchId.newId(), List.of(member), null, ContinuationCondition.ON_ANY_FINAL)
                .continueOn())
        .isNull();
  }

  @Test
  void rulesMirrorTheSingleParentOnes() {
    ContinuationCondition s = ContinuationCondition.ON_SUCCESS;
    ContinuationCondition a = ContinuationCondition.ON_ANY_FINAL;
    assertThat(BatchRules.decide(s, 3, 3, 0, 0)).isEqualTo(BatchRules.Decision.START);
    assertThat(BatchRules.decide(s, 3, 2, 1, 0)).isEqualTo(BatchRules.Decision.WAIT);
    assertThat(BatchRules.decide(s, 3, 1, 0, 1)).isEqualTo(BatchRules.Decision.DELETE);
    assertThat(BatchRules.decide(s, 3, 2, 0, 0)).isEqualTo(BatchRules.Decision.WAIT);
    assertThat(BatchRules.decide(a, 3, 1, 1, 1)).isEqualTo(BatchRules.Decision.START);
    assertThat(BatchRules.decide(a, 3, 1, 1, 0)).isEqualTo(BatchRules.Decision.WAIT);
  }
}
