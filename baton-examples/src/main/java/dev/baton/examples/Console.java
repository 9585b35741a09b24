package dev.baton.examples;

import java.time.Instant;

/**
 * What an example prints: one line per event, starting with the wall-clock instant and the
 * instance's name, so the lines of several instances can be merged and read in order:
 *
 * <pre>
 * 2026-12-07T23:59:01.123Z instance-a | heartbeat ran (job 0193…, occurrence 23:59:00)
 * </pre>
 */
public final class Console {
  private final String who;

  public Console(String who) {
    this.who = who;
  }

  public String who() {
    return who;
  }

  /** Prints one line: {@code INSTANT WHO | TEXT}, with {@code text} formatted as printf does. */
  public synchronized void say(String text, Object... args) {
    System.out.println(Instant.now() + " " + who + " | " + String.format(text, args));
    System.out.flush();
  }
}
