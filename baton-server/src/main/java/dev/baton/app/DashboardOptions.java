package dev.baton.app;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The dashboard part of the command line: whether it runs, where it listens and who may call it.
 * Without tokens every caller is an admin, which is only allowed on a loopback address.
 *
 * @param enabled whether the app serves the dashboard ({@code --dashboard})
 * @param bind the address to listen on ({@code --bind})
 * @param port the port, 0 for any free one ({@code --port})
 * @param apiToken the bearer token of the admin role, or null ({@code --api-token})
 * @param readOnlyToken the bearer token of the read-only role, or null ({@code --read-only-token})
 * @param publicOrigins the origins users reach the dashboard at through a reverse proxy that
 *     rewrites {@code Host} or ends TLS ({@code --public-origin}); browser requests from them may
 *     change state
 */
public record DashboardOptions(
    boolean enabled,
    String bind,
    int port,
    String apiToken,
    String readOnlyToken,
    java.util.List<String> publicOrigins) {

  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;

  /** On, on 127.0.0.1:8080, no authentication. */
  public static final DashboardOptions DEFAULTS =
      new DashboardOptions(true, DEFAULT_BIND, DEFAULT_PORT, null, null, java.util.List.of());

  /**
   * Checks the combination: tokens must differ, and an address other than loopback needs a token.
   *
   * @throws IllegalArgumentException naming the options and what to do
   */
  public DashboardOptions {
    publicOrigins = java.util.List.copyOf(publicOrigins);
    if (apiToken != null && apiToken.equals(readOnlyToken)) {
      throw new IllegalArgumentException("--api-token and --read-only-token must differ");
    }
    // The parameters, not authenticated(): fields are assigned after a compact constructor.
    if (enabled && apiToken == null && readOnlyToken == null && !isLoopback(bind)) {
      throw new IllegalArgumentException(
          "--bind="
              + bind
              + " is not a loopback address, and without a token anyone who can reach it could"
              + " delete jobs: give --api-token=TOKEN (and --read-only-token=TOKEN for viewers),"
              + " or --bind=127.0.0.1, or --dashboard=false");
    }
  }

  /** Whether callers must show a bearer token. */
  public boolean authenticated() {
    return apiToken != null || readOnlyToken != null;
  }

  /**
   * Whether {@code address} is a loopback address: a literal (127.0.0.0/8, ::1) or a name such as
   * {@code localhost} that resolves only to loopback addresses.
   *
   * @throws IllegalArgumentException if the name does not resolve
   */
  static boolean isLoopback(String address) {
    try {
      InetAddress[] all = InetAddress.getAllByName(address);
      for (InetAddress one : all) {
        if (!one.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "--bind=" + address + " is not an address of this machine (unknown host)");
    }
  }
}
