package dev.baton.dashboard.http;

/**
 * A server-sent events sink, written by the dashboard and implemented by each adapter over its
 * connection. Thread-safe: events may come from any thread.
 */
public interface EventStream {
  /**
   * Sends one event ({@code event:} and {@code data:} lines). Returns false, and closes the stream,
   * when the client has gone.
   */
  boolean send(String event, String data);

  /** Ends the response; the browser's {@code EventSource} reconnects by itself. */
  void close();

  /** Whether the stream can still be written to. */
  boolean isOpen();
}
