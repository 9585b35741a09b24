package dev.baton.spring;

import dev.baton.storage.JobStorage;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Baton's health indicator, info contributor and {@code /actuator/baton} endpoint, when Spring
 * Boot's actuator is present.
 */
@AutoConfiguration(after = BatonAutoConfiguration.class)
public class BatonActuatorAutoConfiguration {

  /** {@code /actuator/health/baton}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "batonHealthIndicator")
    BatonHealthIndicator batonHealthIndicator(
        JobStorage storage, ObjectProvider<BatonServerLifecycle> lifecycle) {
      return new BatonHealthIndicator(storage, lifecycle.getIfAvailable());
    }
  }

  /** {@code /actuator/baton}: the statistics. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
      })
  static class EndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    @org.springframework.boot.actuate.autoconfigure.endpoint.condition
        .ConditionalOnAvailableEndpoint
    BatonEndpoint batonEndpoint(dev.baton.client.BatonClient client) {
      return new BatonEndpoint(client);
    }
  }

  /** {@code baton} in {@code /actuator/info}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.info.InfoContributor")
  static class InfoConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "batonInfoContributor")
    BatonInfoContributor batonInfoContributor(
        JobStorage storage, ObjectProvider<BatonServerLifecycle> lifecycle) {
      return new BatonInfoContributor(storage, lifecycle.getIfAvailable());
    }
  }
}
