package dev.baton.server;

import java.time.Duration;

/**
 * How late this server's heartbeats started against their schedule, over the last {@code beats}
 * beats ({@link BatonServer#heartbeatLateness()}). A beat later than {@code selfFenceAfter -
 * heartbeatInterval} lets the server's proof of life go stale: it then cancels its jobs. Late beats
 * come from CPU starvation, long GC pauses, a frozen VM.
 *
 * @param beats how many beats the figures cover (at most {@link LatenessMeter#WINDOW})
 * @param p99 the 99th percentile of their lateness
 * @param max the largest lateness among them
 */
public record HeartbeatLateness(int beats, Duration p99, Duration max) {}
