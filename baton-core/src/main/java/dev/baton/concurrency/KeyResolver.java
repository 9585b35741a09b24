package dev.baton.concurrency;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.job.JobOptions;
import dev.baton.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a job's declared limits and uniqueness rule into resolved {@link Permit}s and a {@link
 * Uniqueness} key, by filling key templates from the job's arguments.
 */
public final class KeyResolver {
  /** Templates come from job type definitions, so few; the bound only guards against misuse. */
  private static final int MAX_CACHED = 1_000;

  private final JsonCodec json;
  private final Map<String, KeyTemplate> cache = new ConcurrentHashMap<>();

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
            ? argumentsKey(typeName, args)
            : resolve(typeName, rule.keyTemplate(), args);
    return new Uniqueness(key, rule.hold(), rule.ttl());
  }

  /**
   * The default unique key: the type name and the canonical JSON of the arguments; when that is
   * longer than a key may be, the type name and the SHA-256 of that JSON.
   */
  private String argumentsKey(String typeName, JsonNode args) {
    String key = typeName + ":" + json.canonical(args);
    if (key.length() <= Permit.MAX_KEY_LENGTH) {
      return key;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return typeName + ":sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Fills the placeholders of {@code template} from {@code args} (grammar in {@code KeyTemplate}
   * and {@code docs/concurrency.md}: {@code {field}}, {@code {a.b}}, {@code {0}}, {@code {{}/{@code
   * }}} escapes). A missing or null field, a malformed template, or a result that is empty or
   * longer than {@link Permit#MAX_KEY_LENGTH} is an {@link IllegalArgumentException} naming the
   * template, the field and the job type; the job is then not created.
   */
  public String resolve(String typeName, String template, JsonNode args) {
    String key = parsed(typeName, template).resolve(typeName, args, json::canonical);
    if (key.isEmpty() || key.length() > Permit.MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "key template '"
              + template
              + "' of job type '"
              + typeName
              + "' resolved to "
              + (key.isEmpty()
                  ? "an empty key"
                  : "a key of "
                      + key.length()
                      + " characters, more than the limit of "
                      + Permit.MAX_KEY_LENGTH
                      + " (use shorter fields, e.g. an id instead of a whole object)"));
    }
    return key;
  }

  private KeyTemplate parsed(String typeName, String template) {
    KeyTemplate t = cache.get(template);
    if (t == null) {
      t = KeyTemplate.parse(typeName, template);
      if (cache.size() < MAX_CACHED) {
        cache.put(template, t);
      }
    }
    return t;
  }

  /**
   * Checks, at definition time, every key template {@code options} declare against the argument
   * type: the templates must parse and, where the type is a record, name its components (or
   * positions within them). Called by {@link dev.baton.job.JobType} whenever it declares limits or
   * a keyed uniqueness rule.
   *
   * @throws IllegalArgumentException naming the template, the field and the job type
   */
  public static void validate(String typeName, Class<?> argsType, JobOptions options) {
    for (ConcurrencyLimit limit : options.limits()) {
      KeyTemplate.parse(typeName, limit.keyTemplate()).validate(typeName, argsType);
    }
    UniqueJob unique = options.unique();
    if (unique != null && unique.keyTemplate() != null) {
      KeyTemplate.parse(typeName, unique.keyTemplate()).validate(typeName, argsType);
    }
  }
}
