package dev.baton.app.cli;

import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "trigger", mixinStandardHelpOptions = true, description = "Runs it now.")
final class RecurringTrigger extends RecurringChange {
  @Override
  Optional<Object> change(dev.baton.recurring.RecurringJobs recurring) {
    return recurring.triggerNow(id).map(r -> r);
  }

  @Override
  String done() {
    return "triggered";
  }
}
