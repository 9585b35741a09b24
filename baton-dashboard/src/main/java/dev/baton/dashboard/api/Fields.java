package dev.baton.dashboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of a request body object strictly: unknown fields and fields of the wrong type
 * are a 400 that names them.
 */
final class Fields {
  private final JsonNode object;
  private final String what;

  private Fields(JsonNode object, String what) {
    this.object = object;
    this.what = what;
  }

  /** The fields of {@code node}, which must be an object with only {@code allowed} fields. */
  static Fields of(JsonNode node, String what, Set<String> allowed) {
    if (!node.isObject()) {
      throw ApiError.badRequest(what + " must be a JSON object, got " + node.getNodeType())
          .exception();
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw ApiError.badRequest(
              what
                  + " has unknown fields "
                  + unknown
                  + "; known: "
                  + new java.util.TreeSet<>(allowed))
          .exception();
    }
    return new Fields(node, what);
  }

  boolean has(String name) {
    JsonNode n = object.get(name);
    return n != null && !n.isNull();
  }

  JsonNode node(String name) {
    JsonNode n = object.get(name);
    return n == null || n.isNull() ? null : n;
  }

  String text(String name) {
    JsonNode n = node(name);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      throw wrong(name, "a string", n);
    }
    return n.textValue();
  }

  String requiredText(String name) {
    String value = text(name);
    if (value == null) {
      throw ApiError.badRequest(what + " needs field '" + name + "'").exception();
    }
    return value;
  }

  Long wholeNumber(String name, long min, long max) {
    JsonNode n = node(name);
    if (n == null) {
      return null;
    }
    if (!n.isIntegralNumber()
        || !n.canConvertToLong()
        || n.longValue() < min
        || n.longValue() > max) {
      throw wrong(name, "a whole number " + min + ".." + max, n);
    }
    return n.longValue();
  }

  List<String> texts(String name, int max) {
    JsonNode n = node(name);
    if (n == null) {
      return null;
    }
    if (!n.isArray()) {
      throw wrong(name, "an array of strings", n);
    }
    if (n.size() > max) {
      throw ApiError.badRequest(
              what + " field '" + name + "' has " + n.size() + " entries, at most " + max)
          .exception();
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw wrong(name, "an array of strings", n);
      }
      out.add(e.textValue());
    }
    return out;
  }

  private ApiException wrong(String name, String expected, JsonNode got) {
    return ApiError.badRequest(
            what + " field '" + name + "' must be " + expected + ", got " + got.getNodeType())
        .exception();
  }
}
