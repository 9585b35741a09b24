package dev.baton.json;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.job.OptionalArg;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * The components a record of job arguments cannot do without: each is present in the stored JSON
 * (under its name, its {@link JsonProperty} name or a {@link JsonAlias}) unless it is marked {@link
 * OptionalArg}. Jackson alone would quietly bind a missing component to {@code null} or 0.
 */
final class RequiredProperties {
  private static final ClassValue<List<Required>> BY_CLASS =
      new ClassValue<>() {
        @Override
        protected List<Required> computeValue(Class<?> type) {
          return type.isRecord() ? required(type) : List.of();
        }
      };

  /** A required component and the JSON names that satisfy it. */
  record Required(String component, Class<?> type, List<String> names) {}

  private RequiredProperties() {}

  /**
   * The required components of {@code type} that {@code node} lacks, or gives as null for a
   * primitive (none for a non-record).
   */
  static List<Required> missing(Class<?> type, JsonNode node) {
    List<Required> missing = new ArrayList<>();
    for (Required r : BY_CLASS.get(type)) {
      if (r.names().stream().noneMatch(name -> given(node.get(name), r.type()))) {
        missing.add(r);
      }
    }
    return missing;
  }

  /** Present, and not null where the component is a primitive (Jackson would bind 0 or false). */
  private static boolean given(JsonNode value, Class<?> type) {
    return value != null && !(type.isPrimitive() && value.isNull());
  }

  private static List<Required> required(Class<?> type) {
    List<Required> required = new ArrayList<>();
    RecordComponent[] components = type.getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      List<AnnotatedElement> places = places(components, i, type);
      if (annotation(places, OptionalArg.class) != null || ignored(places)) {
        continue;
      }
      List<String> names = new ArrayList<>();
      JsonProperty renamed = annotation(places, JsonProperty.class);
      names.add(renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName());
      JsonAlias aliases = annotation(places, JsonAlias.class);
      if (aliases != null) {
        names.addAll(List.of(aliases.value()));
      }
      required.add(new Required(c.getName(), c.getType(), List.copyOf(names)));
    }
    return List.copyOf(required);
  }

  private static boolean ignored(List<AnnotatedElement> places) {
    com.fasterxml.jackson.annotation.JsonIgnore ignore =
        annotation(places, com.fasterxml.jackson.annotation.JsonIgnore.class);
    return ignore != null && ignore.value();
  }

  private static <T extends java.lang.annotation.Annotation> T annotation(
      List<AnnotatedElement> places, Class<T> a) {
    for (AnnotatedElement e : places) {
      T found = e.getAnnotation(a);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /**
   * Where an annotation of component {@code index} may be: the component, or where javac copies it
   * (the field, the accessor, the canonical constructor's parameter), since Jackson's annotations
   * cannot target components.
   */
  private static List<AnnotatedElement> places(
      RecordComponent[] components, int index, Class<?> type) {
    RecordComponent c = components[index];
    List<AnnotatedElement> places = new ArrayList<>(List.of(c, c.getAccessor()));
    try {
      places.add(type.getDeclaredField(c.getName()));
    } catch (NoSuchFieldException e) {
      // Every component has its field; nothing else to look at.
    }
    Class<?>[] types =
        java.util.Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    try {
      places.add(type.getDeclaredConstructor(types).getParameters()[index]);
    } catch (NoSuchMethodException e) {
      // A record always has its canonical constructor.
    }
    return places;
  }
}
