package dev.signalbox.autoconfigure;

import dev.signalbox.registry.SignalboxRegistry;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.core.GuardTimeoutException;

import dev.signalbox.testing.Threads;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where annotations may stand, how Signalbox's advice sits among other advice, and the endpoint over JMX. */
class AnnotationPlacementTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class));

    @Test
    void aClassLevelGuardCoversEveryPublicMethodWithOneGuard() {
        runner.withUserConfiguration(ClassLevelConfiguration.class).withPropertyValues("signalbox.guards.ledger.timeout=50ms")
                .run(context -> {
                    Ledger ledger = context.getBean(Ledger.class);
                    CountDownLatch inside = new CountDownLatch(1);
                    CountDownLatch release = new CountDownLatch(1);
                    Threads.Call holder = Threads.call(Threads.Flavor.VIRTUAL, i -> ledger.close(inside, release));
                    Threads.await(inside, "close() holds the ledger guard");
                    assertThatThrownBy(ledger::balance).as("another public method of the class shares the guard")
                            .isInstanceOf(GuardTimeoutException.class).hasMessageContaining("'ledger'");
                    assertThat(ledger.unguardedHelper()).as("a method with its own, different guard runs").isEqualTo(7);
                    assertThat(Ledger.version()).isEqualTo(1);
                    release.countDown();
                    assertThat(holder.join()).isNull();
                    assertThat(ledger.balance()).isEqualTo(100);
                });
    }

    @Test
    void signalboxAdviceWrapsAdviceAppliedBeforeIt() {
        runner.withUserConfiguration(AlreadyProxiedConfiguration.class).run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            assertThat(ledger.balance()).isEqualTo(100);
            assertThat(AlreadyProxiedConfiguration.GUARD_HELD_INSIDE_OTHER_ADVICE)
                    .as("the other advice (think @Transactional) runs inside the guard").isTrue();
        });
    }

    @Test
    void theEndpointIsReadableOverJmx() {
        runner.withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class, EndpointAutoConfiguration.class,
                        JmxEndpointAutoConfiguration.class))
                .withUserConfiguration(ClassLevelConfiguration.class)
                .withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=signalbox",
                        "spring.jmx.default-domain=signalbox-test")
                .run(context -> {
                    context.getBean(Ledger.class).balance();
                    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                    ObjectName name = server.queryNames(new ObjectName("signalbox-test:type=Endpoint,name=Signalbox,*"), null)
                            .iterator().next();
                    Object primitives = server.invoke(name, "primitives", new Object[0], new String[0]);
                    assertThat(primitives).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                            .containsKey("primitives");
                    assertThat(primitives.toString()).contains("ledger");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class ClassLevelConfiguration {
        @Bean
        Ledger ledger() {
            return new Ledger();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AlreadyProxiedConfiguration {

        static volatile boolean GUARD_HELD_INSIDE_OTHER_ADVICE;

        @Bean
        Ledger ledger() {
            return new Ledger();
        }

        /**
         * Proxies the ledger first, as Spring's auto-proxy creator (ordered first) does for
         * {@code @Transactional}, with advice that looks at the guard.
         */
        @Bean
        static OrderedPostProcessor otherAdvice(org.springframework.beans.factory.ObjectProvider<SignalboxRegistry> registry) {
            return new OrderedPostProcessor() {
                @Override
                public int getOrder() {
                    return Ordered.HIGHEST_PRECEDENCE;
                }

                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    if (!(bean instanceof Ledger)) {
                        return bean;
                    }
                    ProxyFactory factory = new ProxyFactory(bean);
                    factory.setProxyTargetClass(true);
                    factory.addAdvice((MethodInterceptor) invocation -> {
                        if (invocation.getMethod().getName().equals("balance")) {
                            GUARD_HELD_INSIDE_OTHER_ADVICE = registry.getObject().lock("ledger").isLocked();
                        }
                        return invocation.proceed();
                    });
                    return factory.getProxy(bean.getClass().getClassLoader());
                }
            };
        }
    }

    interface OrderedPostProcessor extends BeanPostProcessor, Ordered {
    }

    @Guarded("ledger")
    static class Ledger {

        public int balance() {
            return 100;
        }

        public void close(CountDownLatch inside, CountDownLatch release) throws InterruptedException {
            inside.countDown();
            Threads.await(release, "the test lets close() finish");
        }

        @Guarded("helpers")
        public int unguardedHelper() {
            return 7;
        }

        /** Static: a class-level annotation does not reach it (no proxy could), and it must not stop startup. */
        public static int version() {
            return 1;
        }
    }
}
