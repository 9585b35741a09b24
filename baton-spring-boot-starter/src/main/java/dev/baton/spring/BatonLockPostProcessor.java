package dev.baton.spring;

import dev.baton.concurrency.BatonLocks;
import java.util.function.Supplier;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Proxies beans that have {@link BatonLock} methods (as Spring's {@code @Async} support does), so
 * no AspectJ or auto-proxy configuration is needed. The lock API is looked up at the first call,
 * never while beans are being created.
 */
final class BatonLockPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {
  BatonLockPostProcessor(Supplier<BatonLocks> locks, Supplier<BatonLockContext> context) {
    this.advisor =
        new DefaultPointcutAdvisor(
            AnnotationMatchingPointcut.forMethodAnnotation(BatonLock.class),
            new BatonLockInterceptor(locks, context));
    // After @Async's advisor (the default): with both, the lock is taken on the thread that runs
    // the method, not on the caller's, which returns at once.
  }
}
