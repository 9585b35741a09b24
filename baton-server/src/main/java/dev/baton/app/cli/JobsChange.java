package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_NOT_FOUND;
import static dev.baton.app.cli.BatonCli.EXIT_OK;

import dev.baton.app.AppOptions;
import dev.baton.client.BatonClient;
import dev.baton.job.JobId;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobStorage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Parameters;

/** {@code requeue} and {@code delete}: one line per id; exit 3 if any is unknown. */
abstract class JobsChange extends ClientCommand {
  @Parameters(index = "0..*", arity = "1..*", paramLabel = "ID")
  List<String> ids;

  @Override
  void check() {
    ids.forEach(Inputs::jobId);
  }

  abstract boolean change(BatonClient client, JobId id);

  abstract String done();

  @Override
  int run(JobStorage storage, AppOptions options) {
    BatonClient client = BatonClient.create(storage);
    JobMonitor monitor = monitor(storage);
    int code = EXIT_OK;
    List<Map<String, Object>> results = new ArrayList<>();
    for (String text : ids) {
      JobId id = Inputs.jobId(text);
      String result;
      if (change(client, id)) {
        result = done();
      } else if (monitor.job(id).isEmpty()) {
        result = "not-found";
        code = EXIT_NOT_FOUND;
      } else {
        result = "unchanged";
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id.toString());
      m.put("result", result);
      results.add(m);
      if (!json) {
        switch (result) {
          case "not-found" -> err().println("error: no job " + id);
          case "unchanged" ->
              out()
                  .println(
                      id
                          + " unchanged (already "
                          + monitor.job(id).map(j -> j.state().name()).orElse("gone")
                          + ")");
          default -> out().println(id + " " + result);
        }
      }
    }
    if (json) {
      printJson(results);
    }
    return code;
  }
}
