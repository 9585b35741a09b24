package dev.baton.storage.redis;

import dev.baton.BatonException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisFunctionCommands;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce plumbing for one {@link RedisStorage}: a standalone or cluster client, one shared
 * command connection (Lettuce multiplexes it, so concurrent callers are pipelined), and pub/sub
 * connections on demand. Connection problems at start become messages that say what to check.
 */
final class RedisConnector implements AutoCloseable {
  private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(10);
  private static final int PROBE_TIMEOUT_MILLIS = 2_000;

  private final RedisURI uri;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisClusterClient clusterClient;
  private final StatefulConnection<String, String> connection;
  private final RedisScriptingCommands<String, String> commands;
  private final RedisFunctionCommands<String, String> functions;

  RedisConnector(String uriText, boolean cluster, Duration timeout, Duration maxReconnectDelay) {
    try {
      uri = RedisURI.create(uriText);
    } catch (RuntimeException e) {
      throw new BatonException("invalid Redis URI '" + uriText + "': " + e.getMessage(), e);
    }
    uri.setTimeout(timeout);
    resources =
        ClientResources.builder()
            .reconnectDelay(
                Delay.equalJitter(
                    Duration.ZERO,
                    maxReconnectDelay,
                    FIRST_RECONNECT_DELAY.toMillis(),
                    TimeUnit.MILLISECONDS))
            .build();
    SocketOptions socket = SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
    TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
    if (cluster) {
      client = null;
      clusterClient = RedisClusterClient.create(resources, uri);
      clusterClient.setOptions(
          ClusterClientOptions.builder()
              .socketOptions(socket)
              .timeoutOptions(timeouts)
              .topologyRefreshOptions(
                  ClusterTopologyRefreshOptions.builder()
                      .enableAllAdaptiveRefreshTriggers()
                      .enablePeriodicRefresh(Duration.ofSeconds(30))
                      .build())
              .build());
    } else {
      clusterClient = null;
      client = RedisClient.create(resources, uri);
      client.setOptions(
          ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts).build());
    }
    try {
      if (cluster) {
        StatefulRedisClusterConnection<String, String> c = clusterClient.connect();
        connection = c;
        commands = c.sync();
        functions = c.sync();
      } else {
        StatefulRedisConnection<String, String> c = client.connect();
        connection = c;
        commands = c.sync();
        functions = c.sync();
      }
    } catch (RuntimeException e) {
      shutdownClients();
      throw new BatonException(describe(e), e);
    }
  }

  /** Where we talk to, without credentials. */
  String where() {
    if (!uri.getSentinels().isEmpty()) {
      StringBuilder text = new StringBuilder("redis-sentinel://");
      for (RedisURI s : uri.getSentinels()) {
        text.append(text.length() > "redis-sentinel://".length() ? "," : "");
        text.append(s.getHost()).append(':').append(s.getPort());
      }
      return text.append('#').append(uri.getSentinelMasterId()).toString();
    }
    return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
  }

  /**
   * Whether a plain Redis at the URI's address answers an unauthenticated {@code PING} with NOAUTH:
   * Lettuce sometimes reports a refused handshake only as a closed channel.
   */
  private boolean asksForPassword() {
    char[] password = uri.getPassword();
    if (!uri.getSentinels().isEmpty()
        || uri.isSsl()
        || uri.getHost() == null
        || (password != null && password.length > 0)) {
      return false; // a URI with a password: Lettuce's own message says what went wrong
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), PROBE_TIMEOUT_MILLIS);
      socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] reply = new byte[64];
      int n = socket.getInputStream().read(reply);
      return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("-NOAUTH");
    } catch (IOException e) {
      return false;
    }
  }

  private String describe(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(' ').append(t.getMessage());
    }
    String text = all.toString();
    if (text.contains("WRONGPASS")
        || text.contains("NOAUTH")
        || text.contains("invalid password")
        || text.contains("AUTH")
        || asksForPassword()) {
      return "Redis at "
          + where()
          + " refused authentication: check the user name and password in the URI"
          + " (redis://user:password@host:port)."
          + text;
    }
    return "cannot connect to Redis at "
        + where()
        + ": is redis-server running there, and is the URI right? (cause:"
        + text
        + ")";
  }

  RedisScriptingCommands<String, String> commands() {
    return commands;
  }

  RedisFunctionCommands<String, String> functions() {
    return functions;
  }

  /**
   * Loads (or replaces) a function library on the Redis, or on every master of the cluster: a
   * function exists only on the nodes it was loaded on (replicas get it from their master).
   */
  void loadLibrary(String code) {
    if (connection instanceof StatefulRedisClusterConnection<String, String> c) {
      for (RedisClusterNode node : c.getPartitions()) {
        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          load(c.getConnection(node.getNodeId()).sync(), code);
        }
      }
    } else {
      load(functions, code);
    }
  }

  /** The library's name says its version: one of that name already there is this one. */
  private static void load(RedisFunctionCommands<String, String> node, String code) {
    try {
      node.functionLoad(code, false);
    } catch (RedisCommandExecutionException e) {
      if (!String.valueOf(e.getMessage()).contains("already exists")) {
        throw e;
      }
    }
  }

  /** A new pub/sub connection; Lettuce reconnects it and re-subscribes its channels by itself. */
  StatefulRedisPubSubConnection<String, String> connectPubSub() {
    return clusterClient != null ? clusterClient.connectPubSub() : client.connectPubSub();
  }

  /** Called whenever a connection of this client (re)connects. */
  void onConnected(Runnable action) {
    RedisConnectionStateListener l =
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(
              io.lettuce.core.RedisChannelHandler<?, ?> connection, SocketAddress address) {
            action.run();
          }
        };
    if (clusterClient != null) {
      clusterClient.addListener(l);
    } else {
      client.addListener(l);
    }
  }

  @Override
  public void close() {
    try {
      if (connection != null) {
        connection.close();
      }
    } finally {
      shutdownClients();
    }
  }

  private void shutdownClients() {
    try {
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
      if (clusterClient != null) {
        clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    } finally {
      // Ours: the clients do not shut it down. Bounded, so that a close never hangs on it.
      resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
  }
}
