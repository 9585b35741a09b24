package dev.baton.spring;

import dev.baton.BatonException;
import dev.baton.job.JobHandler;
import dev.baton.job.JobType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.ResolvableType;

/**
 * Pairs the application's {@link JobHandler} beans with their {@link JobType}s: a {@link
 * BatonJobHandler} names its type; any other handler bean is matched, by its generic argument type,
 * to the one {@code JobType} bean with that argument class. Every handler bean must find exactly
 * one type and every type at most one handler, or the start fails naming the beans.
 */
final class HandlerBeans {
  /** One handler with its type. */
  record Binding(String beanName, JobType<?> type, JobHandler<?> handler) {}

  private HandlerBeans() {}

  static List<Binding> find(ListableBeanFactory beans) {
    Map<String, JobType<?>> types = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : beans.getBeansOfType(JobType.class).entrySet()) {
      types.put(e.getKey(), (JobType<?>) e.getValue());
    }
    Map<String, JobType<?>> byTypeName = new HashMap<>();
    List<Binding> bindings = new ArrayList<>();
    for (String name : beans.getBeanNamesForType(JobHandler.class)) {
      JobHandler<?> handler = beans.getBean(name, JobHandler.class);
      JobType<?> type =
          handler instanceof BatonJobHandler<?> typed
              ? typed.jobType()
              : typeByArguments(beans, name, types);
      JobType<?> earlier = byTypeName.put(type.name(), type);
      if (earlier != null) {
        String other =
            bindings.stream()
                .filter(b -> b.type().name().equals(type.name()))
                .findFirst()
                .map(Binding::beanName)
                .orElse("?");
        throw new BatonException(
            "job type '"
                + type.name()
                + "' has two handler beans, '"
                + other
                + "' and '"
                + name
                + "'; a type may have one handler");
      }
      bindings.add(new Binding(name, type, handler));
    }
    return List.copyOf(bindings);
  }

  private static JobType<?> typeByArguments(
      ListableBeanFactory beans, String handlerName, Map<String, JobType<?>> types) {
    Class<?> args =
        ResolvableType.forType(beans.getType(handlerName))
            .as(JobHandler.class)
            .getGeneric(0)
            .resolve();
    if (args == null) {
      args = declaredArguments(beans, handlerName);
    }
    if (args == null) {
      throw new BatonException(
          "cannot tell which job type handler bean '"
              + handlerName
              + "' runs: its argument type is not visible (a raw or lambda JobHandler);"
              + " declare the bean as JobHandler<Args> or implement BatonJobHandler");
    }
    Class<?> wanted = args;
    List<String> matches =
        types.entrySet().stream()
            .filter(e -> e.getValue().argsType().equals(wanted))
            .map(Map.Entry::getKey)
            .toList();
    if (matches.size() != 1) {
      throw new BatonException(
          "handler bean '"
              + handlerName
              + "' runs arguments of "
              + wanted.getName()
              + ", and "
              + (matches.isEmpty()
                  ? "no JobType bean has them"
                  : "JobType beans " + matches + " all have them")
              + "; declare exactly one JobType bean with that argument class, or implement"
              + " BatonJobHandler to name the type");
    }
    return types.get(matches.get(0));
  }

  /** The generic of a {@code @Bean JobHandler<X> h()} method (a lambda loses it at runtime). */
  private static Class<?> declaredArguments(ListableBeanFactory beans, String name) {
    if (!(beans
        instanceof org.springframework.beans.factory.config.ConfigurableListableBeanFactory c)) {
      return null;
    }
    var definition = c.getMergedBeanDefinition(name);
    ResolvableType declared =
        definition instanceof org.springframework.beans.factory.support.RootBeanDefinition root
            ? root.getResolvableType()
            : ResolvableType.NONE;
    return declared.as(JobHandler.class).getGeneric(0).resolve();
  }
}
