package dev.baton;

/**
 * The one root of Baton's unchecked exceptions. Expected outcomes (a duplicate job, a lock held by
 * someone else, a lost lease) are values, never exceptions; this is for the unexpected: invalid
 * configuration, a storage that cannot be reached, a payload that cannot be written.
 */
public class BatonException extends RuntimeException {
  public BatonException(String message) {
    super(message);
  }

  public BatonException(String message, Throwable cause) {
    super(message, cause);
  }
}
