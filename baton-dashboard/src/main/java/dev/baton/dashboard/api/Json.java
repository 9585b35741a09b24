package dev.baton.dashboard.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.dashboard.http.HttpResponse;
import java.io.IOException;

/**
 * The dashboard's JSON: one mapper for answers (ISO-8601 times, nulls kept so every documented
 * field is present) and a strict one for request bodies (no trailing tokens, no duplicate keys, no
 * coercion of {@code "42"} into a number, unknown fields refused).
 */
public final class Json {
  private final ObjectMapper out;
  private final ObjectMapper strict;

  public Json() {
    this.out =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .build();
    out.getFactory().setCharacterEscapes(new HtmlSafeEscapes());
    this.strict =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
  }

  /** {@code value} as JSON text. */
  public String write(Object value) {
    try {
      return out.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a dashboard answer as JSON", e);
    }
  }

  /** {@code value} as a JSON response. */
  public HttpResponse response(int status, Object value) {
    return HttpResponse.json(status, write(value));
  }

  /** A stored JSON text (job arguments) as a tree, or the text itself if it is not JSON. */
  public JsonNode tree(String text) {
    try {
      return out.readTree(text);
    } catch (JsonProcessingException e) {
      return out.getNodeFactory().textNode(text);
    }
  }

  /** A request body as a tree; malformed JSON is a 400 naming the problem. */
  public JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw ApiError.badRequest("request body is empty; send a JSON object").exception();
    }
    try {
      JsonNode node = strict.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw ApiError.badRequest("request body is empty; send a JSON object").exception();
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage()).exception();
    } catch (IOException e) {
      throw ApiError.badRequest("unreadable request body: " + e.getMessage()).exception();
    }
  }

  /**
   * {@code node} bound to {@code type} strictly (unknown fields and wrong types refused), or a 422
   * {@code invalid_arguments} saying what did not fit.
   */
  public <T> T bind(JsonNode node, Class<T> type, String what) {
    try {
      return strict.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String message =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw ApiError.invalidArguments(what + " do not fit " + type.getSimpleName() + ": " + message)
          .exception();
    }
  }

  public ObjectMapper mapper() {
    return out;
  }
}
