package dev.baton.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.job.JobType;
import org.junit.jupiter.api.Test;

class JobTypeValidationTest {
  record VideoArgs(long videoId, String format) {}

  @Test
  void aTypoInAKeyTemplateFailsWhenTheTypeIsDefined() {
    assertThatThrownBy(
            () ->
                JobType.of("encode-video", VideoArgs.class)
                    .withOptions(o -> o.mutex("video:{vidoeId}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "key template 'video:{vidoeId}' of job type 'encode-video': unknown field 'vidoeId' in"
                + " placeholder '{vidoeId}' (VideoArgs has components [videoId, format])");
  }

  @Test
  void aValidTemplateIsAccepted() {
    JobType<VideoArgs> type =
        JobType.of("encode-video", VideoArgs.class)
            .withOptions(o -> o.mutex("video:{videoId}").semaphore("format:{format}", 2));
    assertThat(type.options().limits()).hasSize(2);
  }
}
