package dev.baton.app.cli;

import dev.baton.app.BatonApp;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The {@code --version} line, and the project version from the build. */
final class Version implements CommandLine.IVersionProvider {
  /** The project version, from the build (a resource of the {@code dev.baton.app} package). */
  static String version() {
    try (InputStream in = BatonApp.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "baton " + version() + " (Java " + System.getProperty("java.version") + ")"
    };
  }
}
