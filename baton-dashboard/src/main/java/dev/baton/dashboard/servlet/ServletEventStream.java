package dev.baton.dashboard.servlet;

import dev.baton.dashboard.http.EventStream;
import dev.baton.dashboard.http.SseFrames;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;

/** An event stream over an asynchronous servlet response; completes the async context on close. */
final class ServletEventStream implements EventStream {
  private final AsyncContext async;
  private final ServletOutputStream out;
  private boolean open = true;

  ServletEventStream(AsyncContext async) throws IOException {
    this.async = async;
    this.out = async.getResponse().getOutputStream();
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
    } catch (IOException | IllegalStateException gone) {
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
      async.complete();
    } catch (IllegalStateException alreadyDone) {
      // the container completed it (client gone, timeout)
    }
  }

  /** The container ended the request (error, timeout): stop writing. */
  synchronized void ended() {
    open = false;
  }

  @Override
  public synchronized boolean isOpen() {
    return open;
  }
}
