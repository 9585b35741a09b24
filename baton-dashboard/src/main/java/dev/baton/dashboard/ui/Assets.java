package dev.baton.dashboard.ui;

import dev.baton.dashboard.api.ApiError;
import dev.baton.dashboard.api.Json;
import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The UI's static files, from the jar's {@code dev/baton/dashboard/ui/}. A file {@code app.js} is
 * served as {@code /assets/app-<8 hex of its SHA-256>.js} with a year-long immutable cache, so a
 * new release is fetched at once and an unchanged one never again; the unhashed name also works,
 * revalidated each time (for files that other files refer to by name).
 */
public final class Assets {
  static final String ROOT = "/dev/baton/dashboard/ui/";
  static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*");
  private static final Pattern HASHED = Pattern.compile("(.+)-([0-9a-f]{8})\\.([A-Za-z0-9]+)");
  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "html", "text/html; charset=utf-8",
          "json", "application/json; charset=utf-8",
          "woff2", "font/woff2",
          "txt", "text/plain; charset=utf-8");

  private final Json json;
  private final Map<String, Optional<byte[]>> files = new ConcurrentHashMap<>();

  public Assets(Json json) {
    this.json = json;
  }

  /** {@code GET /assets/{file}}. */
  public HttpResponse serve(Call call) {
    String file = call.path("file");
    Matcher hashed = HASHED.matcher(file);
    if (hashed.matches()) {
      String name = hashed.group(1) + "." + hashed.group(3);
      Optional<byte[]> bytes = file(name);
      if (bytes.isPresent() && hash(bytes.get()).equals(hashed.group(2))) {
        return response(name, bytes.get()).withHeader("Cache-Control", IMMUTABLE);
      }
    }
    Optional<byte[]> plain = file(file);
    if (plain.isPresent()) {
      return response(file, plain.get()).withHeader("Cache-Control", "no-cache");
    }
    return ApiError.notFound("no asset " + file).response(json);
  }

  /**
   * The path of {@code name} (e.g. {@code app.js}) below the mount: {@code
   * /assets/app-1a2b3c4d.js}.
   */
  public Optional<String> hashedPath(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 1) {
      return Optional.empty();
    }
    return file(name)
        .map(b -> "/assets/" + name.substring(0, dot) + "-" + hash(b) + name.substring(dot));
  }

  /** The bytes of {@code ui/<name>}, if it is a servable file name and present. */
  public Optional<byte[]> file(String name) {
    if (!NAME.matcher(name).matches() || type(name) == null) {
      return Optional.empty();
    }
    return files.computeIfAbsent(name, Assets::load);
  }

  private HttpResponse response(String name, byte[] bytes) {
    return HttpResponse.of(200, type(name), bytes);
  }

  static String type(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
  }

  private static Optional<byte[]> load(String name) {
    try (InputStream in = Assets.class.getResourceAsStream(ROOT + name)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard asset " + name, e);
    }
  }

  static String hash(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
