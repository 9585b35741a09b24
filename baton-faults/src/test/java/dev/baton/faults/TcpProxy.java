package dev.baton.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy between one server process and its storage, which the test can hold in one
 * direction or cut in both without closing anything: a held direction forwards nothing (bytes wait
 * in the proxy and in the kernel's buffers), as a partitioned network drops packets; the clients'
 * own timeouts decide when they give up. {@link #heal()} delivers what was held, late, so a write
 * the server sent during the cut reaches the storage after a peer rescued its jobs. {@link
 * #delayAnswers} holds each answer for a while instead, so that a storage step of several round
 * trips (an H2 transaction) still commits, and its last answer is in the proxy for that long.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Object gates = new Object();
  private boolean upOpen = true; // client -> storage
  private boolean downOpen = true; // storage -> client
  private long downDelayNanos;
  private volatile boolean closed;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "tcp-proxy-" + port());
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Answers from the storage wait in the proxy; requests still reach it. */
  void holdAnswers() {
    set(true, false);
  }

  /** Every answer from the storage reaches the client {@code delay} after the proxy read it. */
  void delayAnswers(java.time.Duration delay) {
    synchronized (gates) {
      downDelayNanos = delay.toNanos();
      gates.notifyAll();
    }
  }

  /** A partition: nothing passes either way; new connections are accepted and then hang. */
  void cut() {
    set(false, false);
  }

  /** Everything held is delivered, and forwarding goes on. */
  void heal() {
    set(true, true);
  }

  private void set(boolean up, boolean down) {
    synchronized (gates) {
      upOpen = up;
      downOpen = down;
      downDelayNanos = 0;
      gates.notifyAll();
    }
  }

  private void await(boolean up) throws InterruptedException {
    synchronized (gates) {
      while (!closed && !(up ? upOpen : downOpen)) {
        gates.wait();
      }
    }
  }

  /** Waits until the direction is open and, for answers, until their delay since {@code read}. */
  private void await(boolean up, long read) throws InterruptedException {
    synchronized (gates) {
      while (!closed) {
        if (!(up ? upOpen : downOpen)) {
          gates.wait();
          continue;
        }
        long left = up ? 0 : read + downDelayNanos - System.nanoTime();
        if (left <= 0) {
          return;
        }
        gates.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread t = new Thread(() -> connect(client), "tcp-proxy-connect");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void connect(Socket client) {
    try {
      await(true); // during a cut, even the connection attempt does not reach the storage
      Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      open.add(target);
      pipe(client, target, true);
      pipe(target, client, false);
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  private void pipe(Socket from, Socket to, boolean up) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  await(up, System.nanoTime());
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException ignored) {
                // one side closed the link
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            up ? "tcp-proxy-up" : "tcp-proxy-down");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    synchronized (gates) {
      gates.notifyAll();
    }
    open.forEach(TcpProxy::closeQuietly);
    server.close();
  }
}
