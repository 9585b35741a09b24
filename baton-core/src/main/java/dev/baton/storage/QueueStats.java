package dev.baton.storage;

/** Counts of one queue's jobs that are not final. */
public record QueueStats(
    String queue, long enqueued, long blocked, long processing, long scheduled) {}
