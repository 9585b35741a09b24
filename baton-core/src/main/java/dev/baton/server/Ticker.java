package dev.baton.server;

/**
 * The monotonic clock a server measures its own proof of life by (see {@link
 * BatonServerConfig#selfFenceAfter()}): nanoseconds from an arbitrary origin, never going back, as
 * {@link System#nanoTime()}. The default is {@link #SYSTEM}; tests pass a manual ticker to {@link
 * BatonServer.Builder#ticker} to make a server's proof of life stale without waiting.
 */
@FunctionalInterface
public interface Ticker {
  /** {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** The current time in nanoseconds from an arbitrary, fixed origin. */
  long nanoTime();
}
