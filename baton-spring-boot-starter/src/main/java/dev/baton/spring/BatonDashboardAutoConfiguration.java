package dev.baton.spring;

import dev.baton.client.BatonClient;
import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.security.Authorizer;
import dev.baton.dashboard.servlet.BatonDashboardServlet;
import dev.baton.job.JobType;
import dev.baton.storage.JobStorage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The dashboard and its REST API mounted in the application's own servlet container under {@code
 * baton.dashboard.path} (default {@code /baton}). With Spring Security on the classpath, callers
 * are the application's authenticated users, mapped to roles by authority ({@code
 * ROLE_BATON_ADMIN}, {@code ROLE_BATON_VIEWER}); without it, the dashboard's own default applies
 * (loopback callers only). An {@link Authorizer} bean replaces either.
 */
@AutoConfiguration(after = BatonAutoConfiguration.class)
@ConditionalOnClass({Dashboard.class, ServletRegistrationBean.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "baton.dashboard.enabled", matchIfMissing = true)
public class BatonDashboardAutoConfiguration {

  /** The dashboard (closed with the context). */
  @Bean
  @ConditionalOnMissingBean
  public Dashboard batonDashboard(
      JobStorage storage,
      BatonClient client,
      ObjectProvider<JobType<?>> jobTypes,
      ObjectProvider<Authorizer> authorizer,
      ObjectProvider<RecurringMethods> recurring) {
    Map<String, JobType<?>> types = new LinkedHashMap<>();
    jobTypes.orderedStream().forEach(t -> types.putIfAbsent(t.name(), t));
    Dashboard.Builder builder =
        Dashboard.builder(storage).client(client).jobTypes(new ArrayList<>(types.values()));
    authorizer.ifAvailable(builder::authorizer);
    return builder.build();
  }

  /** The servlet at {@code <path>/*}, with async support for the live updates. */
  @Bean
  public ServletRegistrationBean<BatonDashboardServlet> batonDashboardServlet(
      Dashboard dashboard, BatonProperties properties) {
    String path = properties.getDashboard().getPath();
    ServletRegistrationBean<BatonDashboardServlet> registration =
        new ServletRegistrationBean<>(new BatonDashboardServlet(dashboard), path + "/*");
    registration.setName("batonDashboard");
    registration.setAsyncSupported(true);
    registration.setLoadOnStartup(1);
    return registration;
  }

  /** Spring Security's authenticated user, mapped to the dashboard's roles by authority. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.security.core.context.SecurityContextHolder",
        "org.springframework.security.web.SecurityFilterChain"
      })
  static class SpringSecurity {
    @Bean
    @ConditionalOnMissingBean
    Authorizer batonDashboardAuthorizer(BatonProperties properties) {
      BatonProperties.Dashboard d = properties.getDashboard();
      return new SpringSecurityAuthorizer(d.getAdminAuthority(), d.getReadOnlyAuthority());
    }
  }
}
