package dev.baton.app.cli;

/** A failure with its exit code; its message is the one line printed on stderr. */
final class CliException extends RuntimeException {
  final int code;

  CliException(int code, String message) {
    super(message);
    this.code = code;
  }
}
