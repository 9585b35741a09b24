package dev.baton.app.cli;

import picocli.CommandLine.Option;

/** A client command: reads or changes the storage's jobs, and can print JSON. */
abstract class ClientCommand extends Client {
  @Option(names = "--json", description = "print JSON instead of text, for scripts")
  void json(boolean json) {
    this.json = json;
  }
}
