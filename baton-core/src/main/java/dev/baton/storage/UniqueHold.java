package dev.baton.storage;

import dev.baton.job.JobId;
import java.time.Instant;

/**
 * A uniqueness key that is held: while it is, another job with the same key is a duplicate.
 *
 * @param key the resolved uniqueness key
 * @param holder the job that holds it
 * @param until when a TTL hold expires, or null when it is held until the job starts or finishes
 */
public record UniqueHold(String key, JobId holder, Instant until) {}
