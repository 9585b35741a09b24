package dev.baton.server;

import dev.baton.job.JobContext;
import dev.baton.job.JobHandler;
import dev.baton.job.JobType;
import dev.baton.json.JsonCodec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The handlers a server runs, by job type name. Immutable once the server is built. */
final class Handlers {
  private final Map<String, Registered<?>> byName;

  private Handlers(Map<String, Registered<?>> byName) {
    this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }

  Registered<?> get(String typeName) {
    return byName.get(typeName);
  }

  Set<String> names() {
    return byName.keySet();
  }

  /** A handler with the type that says how to read its arguments. */
  record Registered<A>(JobType<A> type, JobHandler<A> handler) {
    A readArgs(JsonCodec json, String argsJson) {
      return json.readArgs(argsJson, type.argsType());
    }

    @SuppressWarnings("unchecked")
    void run(Object args, JobContext context) throws Exception {
      handler.run((A) args, context);
    }
  }

  /** Collects handlers; a type name may be registered once. */
  static final class Builder {
    private final Map<String, Registered<?>> byName = new LinkedHashMap<>();

    <A> void add(JobType<A> type, JobHandler<A> handler) {
      if (type == null || handler == null) {
        throw new IllegalArgumentException("handle(type, handler) needs both, got " + type);
      }
      if (byName.putIfAbsent(type.name(), new Registered<>(type, handler)) != null) {
        throw new IllegalArgumentException(
            "job type '" + type.name() + "' already has a handler on this server");
      }
    }

    Handlers build() {
      return new Handlers(byName);
    }
  }
}
