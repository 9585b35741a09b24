package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_OK;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "version", mixinStandardHelpOptions = true, description = "Prints the version.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    if (json) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("version", Version.version());
      m.put("java", System.getProperty("java.version"));
      spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(m));
    } else {
      spec.commandLine().getOut().println(new Version().getVersion()[0]);
    }
    return EXIT_OK;
  }
}
