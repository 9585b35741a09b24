package dev.baton.app.cli;

import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "resume", mixinStandardHelpOptions = true, description = "Fires it again.")
final class RecurringResume extends RecurringChange {
  @Override
  Optional<Object> change(dev.baton.recurring.RecurringJobs recurring) {
    return recurring.resume(id) ? Optional.of(true) : Optional.empty();
  }

  @Override
  String done() {
    return "resumed";
  }
}
