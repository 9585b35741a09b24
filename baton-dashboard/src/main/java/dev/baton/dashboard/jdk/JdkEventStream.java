package dev.baton.dashboard.jdk;

import com.sun.net.httpserver.HttpExchange;
import dev.baton.dashboard.http.EventStream;
import dev.baton.dashboard.http.SseFrames;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An event stream over a chunked JDK exchange. The exchange outlives its handler call: no thread
 * waits on an idle stream, writes come from the dashboard's event thread.
 */
final class JdkEventStream implements EventStream {
  private final HttpExchange exchange;
  private final OutputStream out;
  private boolean open = true;

  JdkEventStream(HttpExchange exchange) throws IOException {
    this.exchange = exchange;
    this.out = exchange.getResponseBody();
    out.write(SseFrames.OPENING);
    out.flush();
  }

  @Override
  public synchronized boolean send(String event, String data) {
    if (!open) {
      return false;
    }
    try {
      out.write(SseFrames.frame(event, data));
      out.flush();
      return true;
    } catch (IOException gone) {
      close();
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (!open) {
      return;
    }
    open = false;
    try {
      out.close();
    } catch (IOException ignored) {
      // the client has gone; nothing to finish
    }
    exchange.close();
  }

  @Override
  public synchronized boolean isOpen() {
    return open;
  }
}
