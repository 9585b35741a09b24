package dev.baton.dashboard.jdk;

import com.sun.net.httpserver.HttpServer;
import dev.baton.dashboard.Dashboard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link Dashboard} on the JDK's own HTTP server ({@code com.sun.net.httpserver}): no
 * dependency, enough for the few people who look at a dashboard at once.
 *
 * <pre>{@code
 * DashboardServer web = DashboardServer.start(dashboard,
 *     DashboardServer.Options.builder().bind("127.0.0.1").port(8080).build());
 * System.out.println("dashboard at " + web.url());
 * }</pre>
 *
 * Binding an address other than loopback needs an authorizer on the dashboard (or {@code
 * allowAnonymousRemote(true)}, which is logged as a warning). Event streams hold no thread while
 * idle. {@link #close()} stops the HTTP server, not the dashboard.
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);

  /**
   * The JDK server's switch for {@code TCP_NODELAY} on accepted connections, read once per JVM when
   * its configuration class loads (at the first {@code HttpServer.create}).
   */
  static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  private final HttpServer server;
  private final ExecutorService threads;
  private final Options options;

  private DashboardServer(HttpServer server, ExecutorService threads, Options options) {
    this.server = server;
    this.threads = threads;
    this.options = options;
  }

  /**
   * Starts serving {@code dashboard} as {@code options} say.
   *
   * @throws IllegalStateException if the address is not loopback and the dashboard has no
   *     authorizer (and does not allow anonymous remote callers)
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static DashboardServer start(Dashboard dashboard, Options options) {
    InetAddress address = resolve(options.bind);
    if (!address.isLoopbackAddress()) {
      if (!dashboard.config().customAuthorizer() && !dashboard.config().allowAnonymousRemote()) {
        throw new IllegalStateException(
            "refusing to serve the dashboard on "
                + options.bind
                + " without authentication: give the dashboard an Authorizer (BasicAuthorizer,"
                + " BearerTokenAuthorizer) or allowAnonymousRemote(true)");
      }
      if (!dashboard.config().customAuthorizer()) {
        log.warn(
            "dashboard on {} without authentication: every caller who can reach it is an admin",
            options.bind);
      }
    }
    enableNoDelay();
    ExecutorService threads = Executors.newFixedThreadPool(options.threads, new Named());
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(address, options.port), 64);
      server.createContext(
          options.path.isEmpty() ? "/" : options.path,
          new JdkHttpServerAdapter(dashboard, options.path));
      server.setExecutor(threads);
      server.start();
      DashboardServer started = new DashboardServer(server, threads, options);
      log.info("baton dashboard at {}", started.url());
      return started;
    } catch (IOException e) {
      threads.shutdownNow();
      throw new UncheckedIOException(
          "cannot serve the dashboard on " + options.bind + ":" + options.port + ": " + e, e);
    }
  }

  /**
   * Turns on {@code TCP_NODELAY} unless the user chose otherwise. {@code com.sun.net.httpserver}
   * writes a response's headers and its body as two writes; without {@code TCP_NODELAY}, Nagle's
   * algorithm holds the small body back until the client ACKs the headers, and a client that delays
   * its ACKs (the JDK's {@code HttpClient}, browsers) does so only after ~40 ms. Every small answer
   * then took ~44 ms instead of ~2 ms (docs/benchmarks.md, "Dashboard and REST API at scale"). The
   * JDK reads the property once, before its first server is created in this JVM, so it is set here,
   * before {@code HttpServer.create}; a server created earlier in the JVM by other code keeps the
   * JDK's default.
   */
  private static void enableNoDelay() {
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
  }

  private static InetAddress resolve(String bind) {
    try {
      return InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("dashboard bind address '" + bind + "' is unknown", e);
    }
  }

  /** The port bound (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The dashboard's address, e.g. {@code http://127.0.0.1:8080/}. */
  public String url() {
    InetAddress a = server.getAddress().getAddress();
    String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + options.path + "/";
  }

  /** Stops accepting requests and ends open exchanges at once. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /** Where and how to serve. */
  public static final class Options {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_THREADS = 8;

    private final String bind;
    private final int port;
    private final String path;
    private final int threads;

    private Options(Builder b) {
      this.bind = b.bind;
      this.port = b.port;
      this.path = b.path;
      this.threads = b.threads;
    }

    /** 127.0.0.1:8080 at the root, 8 threads. */
    public static Options defaults() {
      return builder().build();
    }

    public static Builder builder() {
      return new Builder();
    }

    public String bind() {
      return bind;
    }

    public int port() {
      return port;
    }

    public String path() {
      return path;
    }

    public int threads() {
      return threads;
    }

    /** Builds {@link Options}; values are checked as they are set. */
    public static final class Builder {
      private String bind = DEFAULT_BIND;
      private int port = DEFAULT_PORT;
      private String path = "";
      private int threads = DEFAULT_THREADS;

      private Builder() {}

      /** The address to listen on; default 127.0.0.1. */
      public Builder bind(String address) {
        if (address == null || address.isBlank()) {
          throw new IllegalArgumentException("dashboard bind address must not be blank");
        }
        this.bind = address;
        return this;
      }

      /** The port; 0 picks a free one. Default 8080. */
      public Builder port(int port) {
        if (port < 0 || port > 65535) {
          throw new IllegalArgumentException("dashboard port must be 0..65535, got " + port);
        }
        this.port = port;
        return this;
      }

      /** A path prefix such as {@code /baton}; default none. */
      public Builder path(String prefix) {
        if (prefix == null || !(prefix.isEmpty() || prefix.matches("(/[A-Za-z0-9._~-]+)+/?"))) {
          throw new IllegalArgumentException(
              "dashboard path must be empty or like /baton, got '" + prefix + "'");
        }
        this.path = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return this;
      }

      /** Threads answering requests (event streams hold none while idle); default 8. */
      public Builder threads(int threads) {
        if (threads < 1) {
          throw new IllegalArgumentException(
              "dashboard threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        return this;
      }

      public Options build() {
        return new Options(this);
      }
    }
  }

  private static final class Named implements ThreadFactory {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "baton-dashboard-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
