package dev.baton.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.job.JobId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written name checks say exactly what the documented patterns say. */
class JobSpecNamesTest {
  private static final List<String> SAMPLES =
      List.of(
          "",
          "a",
          "default",
          "Default",
          "send-email",
          "video:transcode",
          "a.b_c:d-e",
          "x".repeat(50),
          "x".repeat(51),
          "x".repeat(100),
          "x".repeat(101),
          "with space",
          "tab\t",
          "new\nline",
          "ümlaut",
          "emoji\uD83D\uDE00",
          "slash/",
          "comma,",
          "quote\"",
          "{brace}",
          "UPPER",
          "0123456789",
          "_-",
          ".:",
          "\u0000");

  @Test
  void typeNamesAgreeWithThePattern() {
    agree(JobSpec::isTypeName, JobSpec.TYPE_NAME);
  }

  @Test
  void queueNamesAgreeWithThePattern() {
    agree(JobSpec::isQueueName, JobSpec.QUEUE_NAME);
  }

  private static void agree(
      java.util.function.Predicate<String> byHand, java.util.regex.Pattern pattern) {
    for (String s : samples()) {
      assertThat(byHand.test(s)).as("'%s'", s).isEqualTo(pattern.matcher(s).matches());
    }
    assertThat(byHand.test(null)).isFalse();
  }

  @Test
  void aSpecWithABadNameIsRefusedWithThePatternInTheMessage() {
    assertThatThrownBy(
            () ->
                new JobSpec(
                    JobId.newId(), "bad type", "default", "[]", "{}", 1, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("job type name must match " + JobSpec.TYPE_NAME + ", got 'bad type'");
    assertThatThrownBy(
            () -> new JobSpec(JobId.newId(), "t", "Queue", "[]", "{}", 1, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queue name must match " + JobSpec.QUEUE_NAME + ", got 'Queue'");
  }

  /** The fixed samples, and random strings over the edge of every character class. */
  private static List<String> samples() {
    List<String> out = new ArrayList<>(SAMPLES);
    String alphabet = "aAzZ09._:-/ @[`{\u00e9\u0130\u212a~";
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + random.nextInt(8);
      for (int k = 0; k < n; k++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      out.add(b.toString());
    }
    return out;
  }
}
