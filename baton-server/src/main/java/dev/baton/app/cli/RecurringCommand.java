package dev.baton.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "recurring",
    mixinStandardHelpOptions = true,
    description = "Lists, triggers, pauses, resumes and removes recurring jobs.",
    subcommands = {
      RecurringList.class,
      RecurringTrigger.class,
      RecurringPause.class,
      RecurringResume.class,
      RecurringRemove.class,
      CommandLine.HelpCommand.class
    })
final class RecurringCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "give a subcommand: list, trigger, pause, resume or remove");
  }
}
