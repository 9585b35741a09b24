package dev.baton.dashboard;

import dev.baton.dashboard.api.ApiError;
import dev.baton.dashboard.api.ApiException;
import dev.baton.dashboard.api.Backend;
import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpRequest;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.dashboard.http.Router;
import dev.baton.dashboard.security.Authorizer;
import dev.baton.dashboard.security.Principal;
import dev.baton.dashboard.security.SecurityHeaders;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes every request through the same gates, in order: authentication (401), the route table (404,
 * 405), the role (403 for a read-only caller's state-changing request), CSRF (403), the body (413,
 * 415), then the handler; and puts the security headers on every answer.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final Router router;
  private final Backend backend;
  private final Authorizer authorizer;

  Dispatcher(Router router, Backend backend) {
    this.router = router;
    this.backend = backend;
    this.authorizer = backend.config().authorizer();
  }

  HttpResponse dispatch(HttpRequest request) {
    HttpResponse response;
    try {
      response = gates(request);
    } catch (ApiException e) {
      response = e.error().response(backend.json());
    } catch (RuntimeException e) {
      response = unexpected(request, e);
    }
    return SecurityHeaders.apply(response);
  }

  private HttpResponse gates(HttpRequest request) {
    Optional<Principal> principal = authorizer.authorize(request);
    if (principal.isEmpty()) {
      HttpResponse refused =
          ApiError.unauthorized("authentication required").response(backend.json());
      String challenge = authorizer.challenge();
      return challenge == null ? refused : refused.withHeader("WWW-Authenticate", challenge);
    }
    Router.Match match = router.match(request.method(), request.path());
    if (match instanceof Router.NotFound) {
      return ApiError.notFound("no such path: " + request.path()).response(backend.json());
    }
    if (match instanceof Router.WrongMethod wrong) {
      return ApiError.methodNotAllowed(request.method(), request.path(), wrong.allowed())
          .response(backend.json())
          .withHeader("Allow", String.join(", ", wrong.allowed()));
    }
    Router.Found found = (Router.Found) match;
    Principal caller = principal.get();
    if (request.isStateChanging()) {
      Optional<ApiError> refused = refuseChange(request, caller);
      if (refused.isPresent()) {
        return refused.get().response(backend.json());
      }
    }
    return found.route().handler().handle(new Call(request, found.params(), caller));
  }

  private Optional<ApiError> refuseChange(HttpRequest request, Principal caller) {
    if (!caller.isAdmin()) {
      return Optional.of(
          ApiError.forbidden(
              "'"
                  + caller.name()
                  + "' is read-only; "
                  + request.method()
                  + " needs the admin role"));
    }
    Optional<String> csrf = backend.csrf().refusal(request, caller);
    if (csrf.isPresent()) {
      return Optional.of(ApiError.csrf(csrf.get()));
    }
    if (request.bodyTooLarge()) {
      return Optional.of(ApiError.payloadTooLarge(backend.config().maxBodyBytes()));
    }
    if (request.body().length > 0) {
      String type = request.header("Content-Type").orElse(null);
      if (type == null || !isJson(type)) {
        return Optional.of(ApiError.unsupportedMediaType(type));
      }
    }
    return Optional.empty();
  }

  private static boolean isJson(String contentType) {
    String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return base.equals("application/json");
  }

  private HttpResponse unexpected(HttpRequest request, RuntimeException e) {
    if (StorageFailures.isUnavailable(e)) {
      log.warn(
          "dashboard: storage unavailable for {} {}: {}",
          request.method(),
          request.path(),
          e.toString());
      return ApiError.storageUnavailable("the storage is unavailable; try again shortly")
          .response(backend.json());
    }
    log.error("dashboard: {} {} failed", request.method(), request.path(), e);
    return ApiError.internal("internal error; see the server log").response(backend.json());
  }
}
