package dev.signalbox.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;

import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.javapoet.ClassName;

/** The hints a native image of an application with Signalbox annotations needs, as Spring AOT collects them. */
class SignalboxAotHintsTest {

    record Order(String customerId, long cents) {
    }

    static class Transfers {
        @Guarded(value = "orders", key = "#order.customerId")
        public void place(Order order) {
        }

        public void unguarded(StringBuilder notAKey) {
        }
    }

    static class Plain {
        public void work(Order order) {
        }
    }

    @Test
    void bothAreFoundThroughAotFactories() {
        assertThat(AotServices.factories().load(BeanRegistrationAotProcessor.class))
                .hasAtLeastOneElementOfType(GuardedBeanAotProcessor.class);
        assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class))
                .hasAtLeastOneElementOfType(SignalboxRuntimeHints.class);
    }

    @Test
    void theAnnotationsAreReadableReflectively() {
        RuntimeHints hints = new RuntimeHints();
        new SignalboxRuntimeHints().registerHints(hints, getClass().getClassLoader());
        for (Class<?> annotation : new Class<?>[] {Guarded.class, RateLimited.class, Barrier.class}) {
            assertThat(RuntimeHintsPredicates.reflection().onType(annotation)
                    .withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).accepts(hints);
        }
    }

    @Test
    void anAnnotatedBeanGetsItsMethodsAndItsKeyTypesAccessors() {
        DefaultGenerationContext context = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get("dev.signalbox.spring", "AotTest")), new InMemoryGeneratedFiles());
        contribution(Transfers.class).applyTo(context, null);
        RuntimeHints hints = context.getRuntimeHints();
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Transfers.class, "place")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Order.class, "customerId")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(StringBuilder.class)).rejects(hints);
    }

    @Test
    void aBeanWithoutAnnotationsGetsNothing() {
        assertThat(contribution(Plain.class)).isNull();
    }

    private static BeanRegistrationAotContribution contribution(Class<?> beanClass) {
        DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
        beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(beanClass));
        return new GuardedBeanAotProcessor().processAheadOfTime(RegisteredBean.of(beanFactory, "bean"));
    }
}
