package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI 3.1 document of this API, a resource kept true by a
 * test that compares it with the route table.
 */
public final class OpenApi {
  public static final String RESOURCE = "/dev/baton/dashboard/openapi.json";

  private final Backend backend;
  private final byte[] document;

  public OpenApi(Backend backend) {
    this.backend = backend;
    this.document = load();
  }

  public HttpResponse document(Call call) {
    if (document.length == 0) {
      return ApiError.notFound("openapi.json is not in this build").response(backend.json());
    }
    return HttpResponse.of(200, HttpResponse.JSON, document);
  }

  private static byte[] load() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
