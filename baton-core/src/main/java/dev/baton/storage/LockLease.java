package dev.baton.storage;

import java.time.Instant;

/** A held lock: who holds it, its fencing token, when it was taken and when it expires. */
public record LockLease(String name, String owner, long token, Instant acquiredAt, Instant until) {}
