package dev.baton.app.cli;

import dev.baton.client.BatonClient;
import dev.baton.job.JobId;
import picocli.CommandLine.Command;

@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Deletes jobs; a running one is cancelled on its server.")
final class JobsDelete extends JobsChange {
  @Override
  boolean change(BatonClient client, JobId id) {
    return client.delete(id);
  }

  @Override
  String done() {
    return "deleted";
  }
}
