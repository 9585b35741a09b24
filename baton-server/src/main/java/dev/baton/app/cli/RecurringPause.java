package dev.baton.app.cli;

import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "pause", mixinStandardHelpOptions = true, description = "Stops firing it.")
final class RecurringPause extends RecurringChange {
  @Override
  Optional<Object> change(dev.baton.recurring.RecurringJobs recurring) {
    return recurring.pause(id) ? Optional.of(true) : Optional.empty();
  }

  @Override
  String done() {
    return "paused";
  }
}
