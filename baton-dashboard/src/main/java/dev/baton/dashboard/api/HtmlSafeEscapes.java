package dev.baton.dashboard.api;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;

/**
 * Writes {@code < > & '} in JSON strings as {@code \u003c} and so on, so job arguments or log lines
 * that hold markup can never be read as HTML, even by a client that mistakes the answer for a page.
 */
final class HtmlSafeEscapes extends CharacterEscapes {
  private static final long serialVersionUID = 1L;

  private final int[] escapes;

  HtmlSafeEscapes() {
    int[] codes = CharacterEscapes.standardAsciiEscapesForJSON();
    for (char c : new char[] {'<', '>', '&', '\''}) {
      codes[c] = CharacterEscapes.ESCAPE_STANDARD;
    }
    this.escapes = codes;
  }

  @Override
  public int[] getEscapeCodesForAscii() {
    return escapes;
  }

  @Override
  public SerializableString getEscapeSequence(int ch) {
    return null;
  }
}
