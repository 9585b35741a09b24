package dev.baton.storage;

import java.time.Duration;

/**
 * An optional power of a storage: how long one of its calls may block at most before it fails (a
 * command timeout, a connection and statement timeout). A server checks at build time that this is
 * well below its server timeout, so that no storage call can keep it from noticing, by its own
 * clock, that it may have been declared dead.
 */
public interface CallTimeouts {
  /** The longest a single storage call may block before it fails. */
  Duration longestCall();
}
