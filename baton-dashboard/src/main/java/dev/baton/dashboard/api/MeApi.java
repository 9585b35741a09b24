package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.dashboard.security.Csrf;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/me}: who is calling, with which role, and the CSRF token a browser sends in
 * {@value Csrf#HEADER}. The UI hides buttons a read-only caller may not use.
 */
public final class MeApi {
  private final Backend backend;

  public MeApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse me(Call call) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", call.principal().name());
    body.put("role", call.principal().role().name());
    body.put("csrf", backend.csrf().token(call.principal()));
    body.put("csrfHeader", Csrf.HEADER);
    body.put("canEnqueue", !backend.config().jobTypes().isEmpty());
    return backend.json().response(200, body);
  }
}
