package dev.baton.dashboard.api;

/**
 * Carries an {@link ApiError} out of a handler: bad input found while parsing deep inside a
 * request. The dispatcher turns it into the error response; it never leaves the dashboard.
 */
public final class ApiException extends RuntimeException {
  private final transient ApiError error;

  ApiException(ApiError error) {
    super(error.code() + ": " + error.message(), null, false, false);
    this.error = error;
  }

  public ApiError error() {
    return error;
  }
}
