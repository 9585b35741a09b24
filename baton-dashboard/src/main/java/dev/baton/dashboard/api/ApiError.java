package dev.baton.dashboard.api;

import dev.baton.dashboard.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error answer: an HTTP status, a stable code clients may branch on, and a message for people.
 * Written as {@code {"error": {"code": "not_found", "message": "..."}}}, with {@code details} when
 * there is more to say (e.g. the known job types).
 */
public record ApiError(int status, String code, String message, Map<String, Object> details) {
  public ApiError {
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message, null);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message, null);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message, null);
  }

  public static ApiError csrf(String message) {
    return new ApiError(403, "csrf", message, null);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message, null);
  }

  public static ApiError methodNotAllowed(String method, String path, List<String> allowed) {
    return new ApiError(
        405,
        "method_not_allowed",
        method + " is not allowed on " + path + "; allowed: " + String.join(", ", allowed),
        Map.of("allowed", allowed));
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message, null);
  }

  public static ApiError payloadTooLarge(int max) {
    return new ApiError(
        413, "payload_too_large", "request body is larger than " + max + " bytes", null);
  }

  public static ApiError unsupportedMediaType(String got) {
    return new ApiError(
        415,
        "unsupported_media_type",
        "request body must be application/json, got " + (got == null ? "no Content-Type" : got),
        null);
  }

  public static ApiError unknownJobType(String type, List<String> known) {
    return new ApiError(
        422,
        "unknown_job_type",
        "unknown job type '" + type + "'; this dashboard can create: " + String.join(", ", known),
        Map.of("known", known));
  }

  public static ApiError invalidArguments(String message) {
    return new ApiError(422, "invalid_arguments", message, null);
  }

  public static ApiError tooManyRequests(String message) {
    return new ApiError(429, "too_many_requests", message, null);
  }

  public static ApiError internal(String message) {
    return new ApiError(500, "internal", message, null);
  }

  public static ApiError storageUnavailable(String message) {
    return new ApiError(503, "storage_unavailable", message, null);
  }

  /** This error as a JSON response. */
  public HttpResponse response(Json json) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    error.putAll(details);
    return json.response(status, Map.of("error", error));
  }

  /** This error as an exception, to leave a handler from deep inside request parsing. */
  public ApiException exception() {
    return new ApiException(this);
  }
}
