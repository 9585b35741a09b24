package dev.baton.examples.spring;

import dev.baton.spring.BatonLock;
import dev.baton.spring.BatonLockContext;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A Spring {@code @Scheduled} method that every instance calls and only the holder of the Baton
 * lock runs; its fencing token is what a write it makes should be checked against.
 */
@Component
public class LockedRefresh {
  private static final Logger log = LoggerFactory.getLogger(LockedRefresh.class);

  private final BatonLockContext lock;
  private final AtomicLong lastToken = new AtomicLong();

  public LockedRefresh(BatonLockContext lock) {
    this.lock = lock;
  }

  @Scheduled(fixedDelayString = "${sample.refresh-interval}")
  @BatonLock(name = "sample-refresh", atMost = "1m", atLeast = "1s")
  public void refresh() {
    long token = lock.token();
    lastToken.set(token);
    log.info("refresh under lock sample-refresh, fencing token {}", token);
  }

  /** The fencing token of this instance's latest run, 0 before the first. */
  public long lastToken() {
    return lastToken.get();
  }
}
