package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_OK;

import dev.baton.app.AppOptions;
import dev.baton.job.JobId;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobStorage;
import dev.baton.storage.KeyStatus;
import dev.baton.storage.LockLease;
import dev.baton.storage.UniqueHold;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

@Command(
    name = "locks",
    mixinStandardHelpOptions = true,
    description = "Distributed locks held, concurrency keys in use, unique keys held.")
final class LocksCommand extends ClientCommand {
  @Override
  int run(JobStorage storage, AppOptions options) {
    JobMonitor monitor = monitor(storage);
    List<LockLease> locks = monitor.locks();
    List<KeyStatus> keys = monitor.concurrencyKeys();
    List<UniqueHold> unique = monitor.uniqueKeys(1000);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("locks", locks);
      m.put(
          "keys",
          keys.stream()
              .map(
                  k -> {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("kind", k.permit().kind());
                    e.put("key", k.permit().key());
                    e.put("limit", k.permit().limit());
                    e.put("used", k.used());
                    e.put("holders", k.holders().stream().map(JobId::toString).toList());
                    e.put("waiters", k.waiters().stream().map(JobId::toString).toList());
                    return e;
                  })
              .toList());
      m.put(
          "unique",
          unique.stream()
              .map(
                  u -> {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("key", u.key());
                    e.put("holder", u.holder() == null ? null : u.holder().toString());
                    e.put("until", u.until());
                    return e;
                  })
              .toList());
      printJson(m);
      return EXIT_OK;
    }
    Instant now = storage.now();
    if (locks.isEmpty()) {
      out().println("no locks held");
    } else {
      Table t = new Table("LOCK", "OWNER", "TOKEN", "ACQUIRED", "EXPIRES");
      for (LockLease l : locks) {
        t.row(
            l.name(),
            l.owner(),
            String.valueOf(l.token()),
            Text.ago(l.acquiredAt(), now),
            Text.ago(l.until(), now));
      }
      t.print(out());
    }
    if (!keys.isEmpty()) {
      out().println();
      Table t = new Table("KEY", "KIND", "USED", "HOLDERS", "WAITING");
      for (KeyStatus k : keys) {
        t.row(
            k.permit().key(),
            Text.kind(k.permit()),
            k.used() + "/" + k.permit().limit(),
            k.holders().stream().map(JobId::toString).collect(Collectors.joining(",")),
            String.valueOf(k.waiters().size()));
      }
      t.print(out());
    }
    if (!unique.isEmpty()) {
      out().println();
      Table t = new Table("UNIQUE KEY", "HELD BY", "UNTIL");
      for (UniqueHold u : unique) {
        t.row(
            u.key(),
            u.holder() == null ? "" : u.holder().toString(),
            u.until() == null ? "the job finishes" : Text.ago(u.until(), now));
      }
      t.print(out());
    }
    return EXIT_OK;
  }
}
