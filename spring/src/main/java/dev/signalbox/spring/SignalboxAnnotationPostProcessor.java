package dev.signalbox.spring;

import java.util.List;
import java.util.function.Supplier;

import dev.signalbox.registry.ClusterPrimitives;
import dev.signalbox.registry.SignalboxRegistry;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.ProxyProcessorSupport;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.function.SingletonSupplier;

/**
 * Proxies every bean that has {@code @Guarded}, {@code @RateLimited} or {@code @Barrier} methods,
 * with one advisor per annotated method (so the interceptor finds its plan in a field, not a map).
 * Planning happens when the bean is created, so a mistake in an annotation stops the context.
 * When the bean is already a Spring AOP proxy (say, {@code @Transactional}), the guard advisors
 * go first: the guard is taken before the transaction starts and released after it ends.
 */
public class SignalboxAnnotationPostProcessor extends ProxyProcessorSupport implements BeanPostProcessor {

    private static final long serialVersionUID = 1L;

    private final transient Supplier<GuardPlanner> planner;

    /**
     * Asks for its collaborators only when it meets the first annotated bean, so that declaring it
     * (as a static, infrastructure bean) initialises nothing early.
     *
     * @param registry where the annotations' primitives are registered
     * @param settings the configuration's overrides of annotation attributes
     * @param cluster  the backend of {@code scope = CLUSTER}; its supplier may return null when the
     *                 application has none (a cluster-scoped annotation then stops startup)
     */
    public SignalboxAnnotationPostProcessor(Supplier<SignalboxRegistry> registry, Supplier<AnnotationSettings> settings,
            Supplier<? extends ClusterPrimitives> cluster) {
        this(SingletonSupplier.of(() -> new GuardPlanner(registry.get(), settings.get(), cluster.get())));
    }

    SignalboxAnnotationPostProcessor(Supplier<GuardPlanner> planner) {
        this.planner = planner;
        setProxyTargetClass(true);
        // Outermost: before other post-processors' advice on the same bean.
        setOrder(LOWEST_PRECEDENCE);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof AopInfrastructureBean) {
            return bean;
        }
        Class<?> targetClass = AopUtils.getTargetClass(bean);
        // Cheap reflection first: most beans have no annotations, and need no planner (nor its meters).
        if (!GuardPlanner.isAnnotated(targetClass)) {
            return bean;
        }
        List<Advisor> advisors;
        try {
            advisors = planner.get().advisorsFor(targetClass);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("bean '" + beanName + "': " + e.getMessage(), e);
        }
        if (advisors.isEmpty()) {
            return bean;
        }
        if (bean instanceof Advised advised && !advised.isFrozen()) {
            for (int i = advisors.size() - 1; i >= 0; i--) {
                advised.addAdvisor(0, advisors.get(i));
            }
            return bean;
        }
        ProxyFactory proxyFactory = new ProxyFactory();
        proxyFactory.copyFrom(this);
        proxyFactory.setTarget(bean);
        advisors.forEach(proxyFactory::addAdvisor);
        // A class proxy is a subclass: it must be defined by its class's own loader, or it cannot
        // see a package-private class (nor override its package-private methods).
        return proxyFactory.getProxy(bean.getClass().getClassLoader());
    }
}
