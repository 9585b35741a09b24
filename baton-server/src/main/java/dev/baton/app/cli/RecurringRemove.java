package dev.baton.app.cli;

import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes it.")
final class RecurringRemove extends RecurringChange {
  @Override
  Optional<Object> change(dev.baton.recurring.RecurringJobs recurring) {
    return recurring.remove(id) ? Optional.of(true) : Optional.empty();
  }

  @Override
  String done() {
    return "removed";
  }
}
