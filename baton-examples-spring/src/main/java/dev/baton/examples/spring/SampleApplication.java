package dev.baton.examples.spring;

import dev.baton.spring.BatonJobHandler;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A Spring Boot application on Baton's starter: jobs enqueued from {@link JobsController}, a
 * {@code @Recurring} job ({@link Heartbeat}), a {@code @Scheduled} method under {@code @BatonLock}
 * ({@link LockedRefresh}) and the dashboard at {@code /baton}. Storage, server and dashboard come
 * from {@code application.yml}; see docs/examples/06-spring-boot.md.
 */
@SpringBootApplication
@EnableScheduling
public class SampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }

  @Bean
  BatonJobHandler<SampleJobs.Work> job1Handler() {
    return new WorkHandler(SampleJobs.JOB_1);
  }

  @Bean
  BatonJobHandler<SampleJobs.Work> job2Handler() {
    return new WorkHandler(SampleJobs.JOB_2);
  }
}
