package dev.baton.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the storage is; the same options and precedence as {@code baton server}. */
final class StorageOptions {
  @Option(
      names = "--storage",
      paramLabel = "URL",
      description =
          "h2:PATH, memory:, postgresql://HOST[:PORT]/DB[?user=U&schema=S], a jdbc: URL,"
              + " redis://HOST[:PORT][?namespace=N] or redis-sentinel://HOST:PORT#MASTER"
              + " (env BATON_STORAGE; default: h2:./baton-data)")
  String storage;

  @Option(names = "--data-dir", paramLabel = "PATH", description = "H2 directory", hidden = true)
  String dataDir;

  @Option(names = "--jdbc-url", paramLabel = "URL", hidden = true)
  String jdbcUrl;

  @Option(names = "--redis-url", paramLabel = "URL", hidden = true)
  String redisUrl;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "a properties or YAML (.yml, .yaml) file with the settings (env BATON_CONFIG)")
  String config;

  Map<String, String> given() {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("storage", storage);
    given.put("data-dir", dataDir);
    given.put("jdbc-url", jdbcUrl);
    given.put("redis-url", redisUrl);
    return given;
  }
}
