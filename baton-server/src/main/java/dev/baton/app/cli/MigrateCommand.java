package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_OK;

import dev.baton.app.AppOptions;
import dev.baton.app.StorageFactory;
import dev.baton.storage.JobStorage;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Brings the storage's schema up to date, then exits.")
final class MigrateCommand extends ClientCommand {
  @Override
  int run(JobStorage storage, AppOptions options) {
    // Opening a storage applies its migrations (JDBC) or loads its scripts (Redis).
    String where = StorageFactory.describe(options);
    if (json) {
      printJson(Map.of("storage", where, "migrated", true));
    } else {
      out().println("schema up to date: " + where);
    }
    return EXIT_OK;
  }
}
