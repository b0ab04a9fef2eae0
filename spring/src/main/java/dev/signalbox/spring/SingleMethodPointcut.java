package dev.signalbox.spring;

import java.lang.reflect.Method;

import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.BridgeMethodResolver;

/** Matches exactly one method of the target class (and the interface or bridge methods it implements). */
final class SingleMethodPointcut extends StaticMethodMatcherPointcut {

    private final Method method;

    SingleMethodPointcut(Method method) {
        this.method = method;
    }

    @Override
    public boolean matches(Method candidate, Class<?> targetClass) {
        Method specific = BridgeMethodResolver.findBridgedMethod(AopUtils.getMostSpecificMethod(candidate, targetClass));
        return specific.equals(method);
    }
}
