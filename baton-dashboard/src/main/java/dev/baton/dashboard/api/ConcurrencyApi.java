package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.job.JobId;
import dev.baton.storage.KeyStatus;
import dev.baton.storage.LockLease;
import dev.baton.storage.UniqueHold;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/concurrency}: every busy concurrency key with holders and waiters in line
 * order, and the uniqueness keys held; {@code GET /api/v1/locks}: the named locks held.
 */
public final class ConcurrencyApi {
  public static final int UNIQUE_KEYS_SHOWN = 1000;

  private final Backend backend;

  public ConcurrencyApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse concurrency(Call call) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "keys", backend.monitor().concurrencyKeys().stream().map(ConcurrencyApi::key).toList());
    body.put(
        "unique",
        backend.monitor().uniqueKeys(UNIQUE_KEYS_SHOWN).stream()
            .map(ConcurrencyApi::unique)
            .toList());
    return backend.json().response(200, body);
  }

  public HttpResponse locks(Call call) {
    List<Map<String, Object>> locks =
        backend.monitor().locks().stream().map(ConcurrencyApi::lock).toList();
    return backend.json().response(200, Map.of("locks", locks));
  }

  private static Map<String, Object> key(KeyStatus k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", JobViews.kind(k.permit()));
    m.put("key", k.permit().key());
    m.put("limit", k.permit().limit());
    m.put("windowMs", k.permit().window() == null ? null : k.permit().window().toMillis());
    m.put("used", k.used());
    m.put("holders", k.holders().stream().map(JobId::toString).toList());
    m.put("waiters", k.waiters().stream().map(JobId::toString).toList());
    return m;
  }

  private static Map<String, Object> unique(UniqueHold u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", u.key());
    m.put("holder", JobViews.id(u.holder()));
    m.put("until", u.until());
    return m;
  }

  private static Map<String, Object> lock(LockLease l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", l.name());
    m.put("owner", l.owner());
    m.put("token", l.token());
    m.put("acquiredAt", l.acquiredAt());
    m.put("until", l.until());
    return m;
  }
}
