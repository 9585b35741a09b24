package dev.baton.app.cli;

import dev.baton.client.BatonClient;
import dev.baton.job.JobId;
import picocli.CommandLine.Command;

@Command(
    name = "requeue",
    mixinStandardHelpOptions = true,
    description = "Puts jobs back at the tail of their queue, attempts reset.")
final class JobsRequeue extends JobsChange {
  @Override
  boolean change(BatonClient client, JobId id) {
    return client.requeue(id);
  }

  @Override
  String done() {
    return "requeued";
  }
}
