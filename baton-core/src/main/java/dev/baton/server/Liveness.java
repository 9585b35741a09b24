package dev.baton.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * This server's proof of life, by its own monotonic clock: the send time of the last storage call
 * that succeeded and renewed its liveness in the storage (a heartbeat, a claim, a finish that was
 * applied). The storage stamps that call no earlier than it was sent, so a peer may declare this
 * server dead no earlier than {@code serverTimeout} after that send time. The proof is <em>fresh
 * </em> while younger than {@link BatonServerConfig#selfFenceAfter()}; a server with stale proof
 * starts nothing, claims nothing and cancels what it runs ({@link Watchdog}).
 *
 * <p>Also counts the times the server heard it had been declared dead ({@link #epoch}): a lease
 * asked for before such news may have been requeued by the rescue, so it is not started.
 */
final class Liveness {
  private static final long NONE = Long.MIN_VALUE;

  private final Ticker ticker;
  private final long fenceNanos;
  private final AtomicLong lastProof = new AtomicLong(NONE);
  private volatile int epoch;

  Liveness(Ticker ticker, BatonServerConfig config) {
    this.ticker = ticker;
    this.fenceNanos = config.selfFenceAfter().toNanos();
  }

  /** Now, by the server's monotonic clock: take it just before sending a call that may prove. */
  long now() {
    return ticker.nanoTime();
  }

  /** A call sent at {@code sentNanos} succeeded and renewed this server's liveness. */
  void proved(long sentNanos) {
    lastProof.accumulateAndGet(
        sentNanos, (last, sent) -> last == NONE || sent - last > 0 ? sent : last);
  }

  /** Whether any call ever proved this server alive. */
  boolean everProved() {
    return lastProof.get() != NONE;
  }

  /** How old the proof is, in nanoseconds; {@link Long#MAX_VALUE} if there is none. */
  long ageNanos() {
    long last = lastProof.get();
    return last == NONE ? Long.MAX_VALUE : ticker.nanoTime() - last;
  }

  /** The age at which the proof goes stale. */
  long fenceNanos() {
    return fenceNanos;
  }

  /** The proof is younger than {@link BatonServerConfig#selfFenceAfter()}: the server may start. */
  boolean fresh() {
    return ageNanos() < fenceNanos;
  }

  /** How many times this server heard it had been declared dead. */
  int epoch() {
    return epoch;
  }

  /** The server heard it had been declared dead: leases asked for before now are suspect. */
  synchronized void declaredDead() {
    epoch++;
  }
}
