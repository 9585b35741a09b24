package dev.baton.dashboard.http;

import java.nio.charset.StandardCharsets;

/** The wire format of server-sent events, shared by the adapters' {@link EventStream}s. */
public final class SseFrames {
  /** Sent first: how long the browser waits before reconnecting, and a comment to open the flow. */
  public static final byte[] OPENING =
      "retry: 2000\n: baton dashboard events\n\n".getBytes(StandardCharsets.UTF_8);

  private SseFrames() {}

  /** One event; every line of {@code data} becomes its own {@code data:} line. */
  public static byte[] frame(String event, String data) {
    StringBuilder out = new StringBuilder(data.length() + 32);
    out.append("event: ").append(event.replaceAll("[\r\n]", "")).append('\n');
    for (String line : data.split("\r\n|\r|\n", -1)) {
      out.append("data: ").append(line).append('\n');
    }
    return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }
}
