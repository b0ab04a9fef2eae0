package dev.signalbox.spring;

import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.util.ReflectionUtils;

/**
 * Ahead of time, for each bean class with {@code @Guarded}, {@code @RateLimited} or {@code @Barrier}
 * methods: the reflection a native image needs to plan it at startup (its declared methods and
 * their parameter names, which key expressions such as {@code #from} name) and to evaluate its key
 * expressions (the public accessors of the annotated methods' parameter types, as for JSON binding,
 * so that {@code #order.customerId} works). Beans without annotations get nothing. Registered
 * through {@code META-INF/spring/aot.factories}.
 */
public final class GuardedBeanAotProcessor implements BeanRegistrationAotProcessor {

    @Override
    public BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
        Class<?> beanClass = registeredBean.getBeanClass();
        Set<Class<?>> keyTypes = new LinkedHashSet<>();
        boolean annotated = GuardPlanner.hasAnyAnnotation(beanClass);
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(beanClass, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (GuardPlanner.hasAnyAnnotation(method)) {
                annotated = true;
                for (Class<?> parameter : method.getParameterTypes()) {
                    if (!parameter.isPrimitive() && !parameter.getName().startsWith("java.")) {
                        keyTypes.add(parameter);
                    }
                }
            }
        }
        if (!annotated) {
            return null;
        }
        return (generationContext, code) -> {
            ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
            reflection.registerType(beanClass, MemberCategory.INVOKE_DECLARED_METHODS,
                    MemberCategory.INVOKE_PUBLIC_METHODS);
            new BindingReflectionHintsRegistrar().registerReflectionHints(reflection, keyTypes.toArray(Class<?>[]::new));
        };
    }

}
