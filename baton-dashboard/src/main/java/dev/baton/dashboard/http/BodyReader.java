package dev.baton.dashboard.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads a request body up to a limit, for the adapters: never more than the limit is buffered. The
 * rest of an oversized body is read and dropped (up to {@value #DRAIN_BYTES} bytes), so the client
 * finishes sending and reads the 413 instead of a reset connection.
 */
public final class BodyReader {
  /** Most bytes of an oversized body read and dropped before the connection is given up. */
  public static final long DRAIN_BYTES = 16L * 1024 * 1024;

  private BodyReader() {}

  /**
   * The body, or empty if it is longer than {@code max} bytes (by its declared length or by what
   * arrived).
   */
  public static Optional<byte[]> read(InputStream in, long declaredLength, int max)
      throws IOException {
    if (declaredLength > DRAIN_BYTES) {
      return Optional.empty();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      total += n;
      if (total > DRAIN_BYTES) {
        return Optional.empty();
      }
      if (total <= max) {
        out.write(buffer, 0, n);
      }
    }
    return total > max ? Optional.empty() : Optional.of(out.toByteArray());
  }
}
