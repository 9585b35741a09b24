package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_FAILURE;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.app.AppOptions;
import dev.baton.app.Settings;
import dev.baton.app.StorageFactory;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobStorage;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;

/** A command that talks to the storage. */
abstract class Client implements Callable<Integer> {
  Context context;

  @Mixin StorageOptions storageOptions = new StorageOptions();

  boolean json;

  PrintStream out() {
    return context.out();
  }

  PrintStream err() {
    return context.err();
  }

  AppOptions options() {
    Map<String, String> settings =
        Settings.resolve(
            storageOptions.given(), storageOptions.config, context.env(), Settings.STORAGE);
    return AppOptions.fromSettings(settings, false);
  }

  /** Checks the command's own input before the storage is opened; throws {@link CliException}. */
  void check() {}

  @Override
  public Integer call() {
    check();
    AppOptions options = options();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger baton = (Logger) LoggerFactory.getLogger("dev.baton");
    Level rootLevel = root.getLevel();
    Level batonLevel = baton.getLevel();
    // The output is the command's: the storages' and pools' logging stays quiet.
    root.setLevel(Level.OFF);
    baton.setLevel(Level.OFF);
    try (JobStorage storage = StorageFactory.open(options)) {
      return run(storage, options);
    } finally {
      root.setLevel(rootLevel);
      baton.setLevel(batonLevel);
    }
  }

  abstract int run(JobStorage storage, AppOptions options);

  static JobMonitor monitor(JobStorage storage) {
    if (storage instanceof JobMonitor monitor) {
      return monitor;
    }
    throw new CliException(EXIT_FAILURE, "this storage offers no monitoring (JobMonitor)");
  }

  void printJson(Object value) {
    try {
      out().println(Json.MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
