package dev.baton.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "Lists, shows, requeues and deletes jobs.",
    subcommands = {
      JobsList.class,
      JobsShow.class,
      JobsRequeue.class,
      JobsDelete.class,
      CommandLine.HelpCommand.class
    })
final class JobsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "give a subcommand: list, show, requeue or delete");
  }
}
