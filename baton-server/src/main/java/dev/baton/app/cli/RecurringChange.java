package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_NOT_FOUND;
import static dev.baton.app.cli.BatonCli.EXIT_OK;

import dev.baton.app.AppOptions;
import dev.baton.client.BatonClient;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobStorage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Parameters;

abstract class RecurringChange extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID")
  String id;

  abstract Optional<Object> change(dev.baton.recurring.RecurringJobs recurring);

  abstract String done();

  @Override
  int run(JobStorage storage, AppOptions options) {
    Optional<Object> result = change(BatonClient.create(storage).recurring());
    if (result.isEmpty()) {
      throw new CliException(EXIT_NOT_FOUND, "no recurring job '" + id + "'");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("result", done());
    String extra = "";
    if (result.get() instanceof CreateResult created) {
      m.put("job", created.id().toString());
      m.put("created", created.created());
      m.put("state", created.state());
      extra =
          created.created()
              ? ": created job " + created.id()
              : ": created nothing, job " + created.id() + " is still " + created.state();
    }
    if (json) {
      printJson(m);
    } else {
      out().println("recurring job '" + id + "' " + done() + extra);
    }
    return EXIT_OK;
  }
}
