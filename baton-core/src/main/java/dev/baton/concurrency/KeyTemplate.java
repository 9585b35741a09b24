package dev.baton.concurrency;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A parsed key template such as {@code video:{videoId}}, {@code customer:{customer.id}} or {@code
 * tenant:{0}}.
 *
 * <p>Grammar: literal text, with {@code {{} and {@code }}} standing for a literal brace, and
 * placeholders {@code {path}} where a path is one or more segments separated by dots. A segment is
 * a field name (a Java identifier) or a position (a non-negative integer). A position picks the
 * n-th element of a JSON array, or the n-th field of a JSON object <em>in the order the arguments
 * were written</em> — for a record that is the order its components are declared, which is what
 * Hangfire users know as "the n-th argument".
 *
 * <p>A placeholder is rendered as text: strings as they are, numbers and booleans as JSON writes
 * them, objects and arrays as canonical JSON (keys sorted). A missing or null value is an error.
 */
final class KeyTemplate {
  private final String text;
  private final List<Part> parts;

  private KeyTemplate(String text, List<Part> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
  }

  /** One piece of a template: literal text or a placeholder path. */
  private record Part(String literal, List<String> path) {
    boolean isLiteral() {
      return literal != null;
    }

    String pathText() {
      return String.join(".", path);
    }
  }

  /** Parses {@code template}; a malformed one is an IllegalArgumentException naming it. */
  static KeyTemplate parse(String typeName, String template) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
        literal.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
        literal.append('}');
        i += 2;
      } else if (c == '}') {
        throw bad(typeName, template, "unmatched '}' at index " + i + " (write '}}' for a brace)");
      } else if (c == '{') {
        int end = template.indexOf('}', i + 1);
        if (end < 0) {
          throw bad(typeName, template, "unclosed '{' at index " + i + " (write '{{' for a brace)");
        }
        String inner = template.substring(i + 1, end);
        if (literal.length() > 0) {
          parts.add(new Part(literal.toString(), null));
          literal.setLength(0);
        }
        parts.add(new Part(null, parsePath(typeName, template, inner)));
        i = end + 1;
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      parts.add(new Part(literal.toString(), null));
    }
    return new KeyTemplate(template, parts);
  }

  private static List<String> parsePath(String typeName, String template, String inner) {
    if (inner.isEmpty()) {
      throw bad(typeName, template, "empty placeholder '{}'");
    }
    String[] segments = inner.split("\\.", -1);
    for (String s : segments) {
      if (!isName(s) && !isIndex(s)) {
        throw bad(
            typeName,
            template,
            "bad placeholder '{"
                + inner
                + "}': each part must be a field name or a position like 0, got '"
                + s
                + "'");
      }
    }
    return List.of(segments);
  }

  private static boolean isName(String s) {
    if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
      return false;
    }
    return s.chars().allMatch(Character::isJavaIdentifierPart);
  }

  private static boolean isIndex(String s) {
    return !s.isEmpty() && s.length() <= 9 && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
  }

  String text() {
    return text;
  }

  /** True if the template has no placeholder: every job of the type shares one key. */
  boolean isConstant() {
    return parts.stream().allMatch(Part::isLiteral);
  }

  /**
   * Checks every placeholder against {@code argsType} as far as its shape is known: record
   * components (honouring {@link JsonProperty} renames) and their positions, recursively through
   * nested records. Other types (maps, JSON trees, beans) are checked at enqueue instead.
   */
  void validate(String typeName, Class<?> argsType) {
    for (Part part : parts) {
      if (part.isLiteral()) {
        continue;
      }
      Class<?> current = argsType;
      for (String segment : part.path()) {
        if (isScalar(current)) {
          throw unknown(
              typeName, part, segment, current.getSimpleName() + " has no fields or positions");
        }
        if (!current.isRecord()) {
          break; // shape known only at enqueue
        }
        RecordComponent[] components = current.getRecordComponents();
        RecordComponent found = null;
        if (isIndex(segment)) {
          int n = Integer.parseInt(segment);
          if (n >= components.length) {
            throw unknown(
                typeName,
                part,
                segment,
                current.getSimpleName() + " has " + components.length + " components");
          }
          found = components[n];
        } else {
          for (RecordComponent rc : components) {
            if (jsonName(rc).equals(segment)) {
              found = rc;
            }
          }
          if (found == null) {
            throw unknown(
                typeName,
                part,
                segment,
                current.getSimpleName() + " has components " + componentNames(components));
          }
        }
        current = found.getType();
      }
    }
  }

  private static String jsonName(RecordComponent rc) {
    JsonProperty renamed = rc.getAnnotation(JsonProperty.class);
    if (renamed == null) {
      renamed = rc.getAccessor().getAnnotation(JsonProperty.class);
    }
    return renamed != null && !renamed.value().isEmpty() ? renamed.value() : rc.getName();
  }

  private static List<String> componentNames(RecordComponent[] components) {
    List<String> names = new ArrayList<>();
    for (RecordComponent rc : components) {
      names.add(jsonName(rc));
    }
    return names;
  }

  private static boolean isScalar(Class<?> type) {
    return type.isPrimitive()
        || type.isEnum()
        || CharSequence.class.isAssignableFrom(type)
        || Number.class.isAssignableFrom(type)
        || type == Boolean.class
        || type == Character.class
        || java.time.temporal.Temporal.class.isAssignableFrom(type)
        || type == java.util.UUID.class;
  }

  /** Fills the template from {@code args}; a missing or null value is an error naming it. */
  String resolve(
      String typeName, JsonNode args, java.util.function.Function<JsonNode, String> json) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part.isLiteral()) {
        out.append(part.literal());
        continue;
      }
      JsonNode node = args;
      for (String segment : part.path()) {
        node = step(node, segment);
        if (node == null || node.isNull() || node.isMissingNode()) {
          throw new IllegalArgumentException(
              "key template '"
                  + text
                  + "' of job type '"
                  + typeName
                  + "': field '"
                  + part.pathText()
                  + "' is "
                  + (node == null || node.isMissingNode() ? "missing" : "null")
                  + " in the arguments; the job was not created");
        }
      }
      out.append(node.isValueNode() ? node.asText() : json.apply(node));
    }
    return out.toString();
  }

  private static JsonNode step(JsonNode node, String segment) {
    if (node == null) {
      return null;
    }
    if (isIndex(segment)) {
      int n = Integer.parseInt(segment);
      if (node.isArray()) {
        return node.get(n);
      }
      if (node.isObject()) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        for (int i = 0; fields.hasNext(); i++) {
          Map.Entry<String, JsonNode> field = fields.next();
          if (i == n) {
            return field.getValue();
          }
        }
      }
      return null;
    }
    return node.isObject() ? node.get(segment) : null;
  }

  private static IllegalArgumentException bad(String typeName, String template, String problem) {
    return new IllegalArgumentException(
        "key template '" + template + "' of job type '" + typeName + "': " + problem);
  }

  private IllegalArgumentException unknown(String typeName, Part part, String segment, String why) {
    return new IllegalArgumentException(
        "key template '"
            + text
            + "' of job type '"
            + typeName
            + "': unknown field '"
            + segment
            + "' in placeholder '{"
            + part.pathText()
            + "}' ("
            + why
            + ")");
  }
}
