package dev.baton.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.BatonException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Jobs' arguments as JSON, through one configured Jackson mapper per client or server (never a
 * static one). Records are supported; dates are ISO-8601 text; unknown properties are ignored so
 * that adding a field to an argument record does not break queued jobs.
 */
public final class JsonCodec {
  private final ObjectMapper mapper;
  private final ObjectMapper canonical;

  public JsonCodec() {
    this(defaultMapper());
  }

  public JsonCodec(ObjectMapper mapper) {
    this.mapper = mapper;
    this.canonical =
        mapper
            .copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(
                com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true);
  }

  /** The mapper Baton uses unless given one: Java time support, lenient on unknown fields. */
  public static ObjectMapper defaultMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  public String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new BatonException(
          "cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads {@code json} as {@code type}. Throws {@link BatonException} naming the type and the
   * problem; the caller decides whether that fails a job or a call.
   */
  public <T> T read(String json, Class<T> type) {
    try {
      return mapper.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new BatonException(
          "cannot read JSON as " + type.getName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads a job's arguments, strictly where {@link #read} is lenient: {@code null} only for {@link
   * Void}, and a record's components all present unless marked {@link dev.baton.job.OptionalArg}.
   * Unknown properties stay ignored, so a component removed from the record does not fail jobs
   * written before.
   *
   * @throws BatonException naming the type and what is missing
   */
  public <T> T readArgs(String json, Class<T> type) {
    JsonNode node = tree(json);
    if (node.isNull() || node.isMissingNode()) {
      if (type == Void.class) {
        return null;
      }
      throw new BatonException(
          "the arguments are null, but "
              + type.getName()
              + " is expected (only a job type of Void takes null)");
    }
    if (node.isObject()) {
      List<RequiredProperties.Required> missing = RequiredProperties.missing(type, node);
      if (!missing.isEmpty()) {
        throw new BatonException(
            "missing (or null for a primitive) required "
                + (missing.size() == 1 ? "property " : "properties ")
                + missing.stream().map(JsonCodec::describe).collect(Collectors.joining(", "))
                + " of "
                + type.getName()
                + " (mark a component @OptionalArg if stored jobs may lack it)");
      }
    }
    try {
      return mapper.treeToValue(node, type);
    } catch (java.io.IOException e) {
      throw new BatonException("cannot read JSON as " + type.getName() + ": " + message(e), e);
    }
  }

  private static String message(java.io.IOException e) {
    return e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
  }

  private static String describe(RequiredProperties.Required r) {
    return "'" + r.names().get(0) + "' (" + r.type().getSimpleName() + ")";
  }

  public JsonNode tree(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new BatonException("malformed JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** JSON with object keys sorted, so equal values give equal text (used for unique keys). */
  public String canonical(JsonNode node) {
    try {
      Object plain = canonical.treeToValue(node, Object.class);
      return canonical.writeValueAsString(plain);
    } catch (JsonProcessingException e) {
      throw new BatonException("cannot canonicalize JSON: " + e.getOriginalMessage(), e);
    }
  }
}
