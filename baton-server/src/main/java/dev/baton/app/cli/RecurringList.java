package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_OK;

import dev.baton.app.AppOptions;
import dev.baton.client.BatonClient;
import dev.baton.recurring.RecurringJobInfo;
import dev.baton.storage.JobStorage;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Every recurring job.")
final class RecurringList extends ClientCommand {
  @Override
  int run(JobStorage storage, AppOptions options) {
    List<RecurringJobInfo> all = BatonClient.create(storage).recurring().list();
    if (json) {
      printJson(all.stream().map(Json::recurring).toList());
      return EXIT_OK;
    }
    if (all.isEmpty()) {
      out().println("no recurring jobs");
      return EXIT_OK;
    }
    Instant now = storage.now();
    Table t = new Table("ID", "CRON", "TYPE", "QUEUE", "NEXT", "LAST", "STATUS");
    for (RecurringJobInfo r : all) {
      t.row(
          r.id(),
          r.definition().cron(),
          r.definition().template().type(),
          r.definition().template().queue(),
          r.paused() ? "-" : Text.ago(r.nextFireAt(), now),
          r.lastFireAt() == null ? "never" : Text.ago(r.lastFireAt(), now),
          r.paused() ? "paused" : "active");
    }
    t.print(out());
    return EXIT_OK;
  }
}
