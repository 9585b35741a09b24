package dev.baton.examples.spring;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Enqueues the sample's jobs and reports how many run.
 *
 * <ul>
 *   <li>{@code POST /api/jobs/create-job-1}: a plain enqueue; two calls, two jobs side by side.
 *   <li>{@code POST /api/jobs/create-job-2}: unique while queued or running; a second call creates
 *       nothing and names the existing job (200 instead of 201).
 *   <li>{@code GET /api/jobs/statistics}: {@code {"processing": N}}.
 * </ul>
 */
@RestController
@RequestMapping("/api/jobs")
public class JobsController {
  private final BatonClient client;
  private final Duration jobLength;

  public JobsController(BatonClient client, @Value("${sample.job-length}") Duration jobLength) {
    this.client = client;
    this.jobLength = jobLength;
  }

  @PostMapping("/create-job-1")
  public ResponseEntity<Map<String, Object>> createJob1() {
    return answer(SampleJobs.JOB_1);
  }

  @PostMapping("/create-job-2")
  public ResponseEntity<Map<String, Object>> createJob2() {
    return answer(SampleJobs.JOB_2);
  }

  @GetMapping("/statistics")
  public Map<String, Long> statistics() {
    // From the storage's counts, not a scan: cheap enough to poll.
    return Map.of(
        "processing", client.monitor().countByState().getOrDefault(JobState.PROCESSING, 0L));
  }

  /**
   * A duplicate is an expected outcome, so a normal answer: 200 naming the job that holds the key.
   */
  private ResponseEntity<Map<String, Object>> answer(JobType<SampleJobs.Work> type) {
    EnqueueResult r = client.enqueue(type, new SampleJobs.Work(jobLength.toMillis()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("created", r.created());
    if (r.created()) {
      body.put("jobId", r.id().toString());
      body.put("state", r.state().name());
      return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }
    body.put("duplicate", true);
    body.put("existingJobId", r.id().toString());
    body.put("existingState", r.state().name());
    body.put(
        "message",
        "%s is already %s as job %s; nothing was created"
            .formatted(type.name(), r.state().name().toLowerCase(), r.id()));
    return ResponseEntity.ok(body);
  }
}
