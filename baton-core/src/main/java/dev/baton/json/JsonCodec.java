package dev.baton.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.BatonException;

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
