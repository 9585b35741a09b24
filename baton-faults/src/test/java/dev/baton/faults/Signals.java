package dev.baton.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Sends signals through one long-lived {@code sh}, whose built-in {@code kill} needs no fork: on a
 * loaded machine, starting a {@code kill} process for each signal took hundreds of milliseconds,
 * long enough for a server to go on past the moment the test meant to freeze it.
 */
final class Signals {
  private static Process shell;
  private static Writer in;
  private static BufferedReader out;

  private Signals() {}

  /** {@code kill -sig pid}; returns once the shell has sent it. */
  static synchronized void send(String sig, long pid) throws IOException {
    if (shell == null || !shell.isAlive()) {
      shell = new ProcessBuilder("sh").redirectErrorStream(true).start();
      in = new OutputStreamWriter(shell.getOutputStream(), StandardCharsets.UTF_8);
      out =
          new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
    }
    in.write("kill -" + sig + " " + pid + "; echo \"rc $?\"\n");
    in.flush();
    String line = out.readLine();
    if (line == null || !line.endsWith("rc 0")) {
      throw new IllegalStateException("kill -" + sig + " " + pid + " failed: " + line);
    }
  }
}
