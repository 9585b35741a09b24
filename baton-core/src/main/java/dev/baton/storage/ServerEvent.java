package dev.baton.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened to a server that a person should be able to see afterwards: a server
 * declared dead and what was taken back from it, a server that stopped.
 *
 * @param at when (storage clock)
 * @param kind what happened
 * @param serverId the server it happened to
 * @param byServerId the server that noticed or acted, or null
 * @param jobs how many jobs were taken back ({@link Kind#DECLARED_DEAD}) or failed ({@link
 *     Kind#UNKNOWN_TYPE})
 * @param detail a line of text for people, never null
 */
public record ServerEvent(
    Instant at, Kind kind, String serverId, String byServerId, int jobs, String detail) {
  /** Longest detail kept. */
  public static final int MAX_DETAIL_CHARS = 1_000;

  /** What happened. */
  public enum Kind {
    /** Declared dead by a peer; its jobs went back to their queues. */
    DECLARED_DEAD,
    /** Started. */
    STARTED,
    /** Stopped and deregistered. */
    STOPPED,
    /**
     * Failed jobs of a type it has no handler for; {@code jobs} says how many, {@code detail} names
     * the type. Recorded at most once a minute per server and type.
     */
    UNKNOWN_TYPE
  }

  public ServerEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(serverId, "serverId");
    detail = detail == null ? "" : detail;
    if (detail.length() > MAX_DETAIL_CHARS) {
      detail = detail.substring(0, MAX_DETAIL_CHARS) + "...";
    }
  }
}
