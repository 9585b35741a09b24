package dev.baton.spring;

import dev.baton.BatonException;
import dev.baton.job.JobContext;
import dev.baton.job.JobHandler;
import dev.baton.job.JobType;
import dev.baton.recurring.RecurringOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ReflectionUtils;

/**
 * Collects {@link Recurring} methods as beans are created; the server configuration turns each into
 * a job type ({@code recurring.<id>}, no arguments), a handler calling the method, and a recurring
 * definition saved at start. {@code cron} and {@code zone} may hold {@code ${...}} placeholders,
 * resolved from the application's environment as {@code @Scheduled} resolves its own.
 */
public final class RecurringMethods implements BeanPostProcessor, EnvironmentAware {
  /** Prefix of the job type of a {@link Recurring} method. */
  public static final String TYPE_PREFIX = "recurring.";

  /** One annotated method on one bean. */
  record Entry(String id, String cron, ZoneId zone, JobType<Void> type, JobHandler<Void> handler) {
    RecurringOptions options() {
      return RecurringOptions.builder().zone(zone).build();
    }
  }

  private final Map<String, Entry> entries = new HashMap<>();
  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  /** The attribute with its placeholders resolved; an unknown one fails naming the method. */
  private String resolve(String where, String value) {
    if (environment == null) {
      return value;
    }
    try {
      return environment.resolveRequiredPlaceholders(value);
    } catch (IllegalArgumentException e) {
      throw new BatonException("@Recurring method " + where + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> target = AopUtils.getTargetClass(bean);
    Map<Method, Recurring> found =
        MethodIntrospector.selectMethods(
            target,
            (MethodIntrospector.MetadataLookup<Recurring>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, Recurring.class));
    found.forEach((method, annotation) -> add(bean, beanName, method, annotation));
    return bean;
  }

  private synchronized void add(Object bean, String beanName, Method method, Recurring r) {
    String where = beanName + "." + method.getName();
    Class<?>[] params = method.getParameterTypes();
    boolean withContext = params.length == 1 && params[0] == JobContext.class;
    if (params.length > 1 || (params.length == 1 && !withContext)) {
      throw new BatonException(
          "@Recurring method " + where + " must take no parameters or one JobContext");
    }
    String cron = resolve(where, r.cron());
    String zoneId = resolve(where, r.zone());
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneId);
    } catch (RuntimeException e) {
      throw new BatonException(
          "@Recurring method " + where + ": unknown time zone '" + zoneId + "'", e);
    }
    Entry earlier = entries.get(r.id());
    if (earlier != null) {
      throw new BatonException("two @Recurring methods share the id '" + r.id() + "': " + where);
    }
    Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
    ReflectionUtils.makeAccessible(invocable);
    JobHandler<Void> handler =
        (args, ctx) -> {
          try {
            if (withContext) {
              invocable.invoke(bean, ctx);
            } else {
              invocable.invoke(bean);
            }
          } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
              throw ex;
            }
            throw (Error) cause;
          }
        };
    JobType<Void> type = JobType.of(TYPE_PREFIX + r.id(), Void.class);
    entries.put(r.id(), new Entry(r.id(), cron, zone, type, handler));
  }

  synchronized List<Entry> entries() {
    return new ArrayList<>(entries.values());
  }
}
