package dev.signalbox.spring;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * One {@code key} expression of an annotation, parsed and checked at startup. A plain reference to
 * an argument ({@code #from}, {@code #p0}, {@code #a0}) is read straight from the argument array;
 * anything else is a SpEL expression over the arguments ({@code #root.args}, {@code #order.customerId}).
 */
final class KeyExpression {

    private static final SpelExpressionParser PARSER = new SpelExpressionParser();
    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();
    private static final Pattern ARGUMENT = Pattern.compile("#([A-Za-z_$][A-Za-z0-9_$]*)");
    private static final Pattern INDEXED = Pattern.compile("[pa](\\d+)");

    private final String text;
    private final Method method;
    private final String where;
    /** The argument index for a plain reference, or -1 for a SpEL expression. */
    private final int argumentIndex;
    private final Expression expression;
    /** True for cluster guards: the key is its {@code String.valueOf}, the name of its state in the backend. */
    private final boolean stringForm;

    private KeyExpression(String text, Method method, String where, int argumentIndex, Expression expression,
            boolean stringForm) {
        this.text = text;
        this.method = method;
        this.where = where;
        this.argumentIndex = argumentIndex;
        this.expression = expression;
        this.stringForm = stringForm;
    }

    /**
     * @param where      the annotation and method, for messages: {@code @Guarded("accounts") on Bank.transfer(String, String)}
     * @param stringForm true for cluster guards: the key is then its {@code String.valueOf}, the name of its state in
     *                   the backend, so keys with equal strings are one guard, here as in the backend
     * @throws IllegalStateException naming the method, the attribute and the fix
     */
    static KeyExpression parse(String text, Method method, String where, boolean stringForm) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalStateException(where + ": key = \"\" is empty; name an argument such as \"#"
                    + firstParameterName(method) + "\" or remove the key");
        }
        String[] names = NAMES.getParameterNames(method);
        Matcher plain = ARGUMENT.matcher(trimmed);
        if (plain.matches()) {
            String name = plain.group(1);
            Matcher indexed = INDEXED.matcher(name);
            if (indexed.matches()) {
                int index = Integer.parseInt(indexed.group(1));
                if (index >= method.getParameterCount()) {
                    throw new IllegalStateException(where + ": key = \"" + text + "\" refers to argument " + index
                            + ", but the method has " + method.getParameterCount() + "; use #p0 to #p"
                            + (method.getParameterCount() - 1));
                }
                return new KeyExpression(text, method, where, index, null, stringForm);
            }
            if (names == null) {
                throw new IllegalStateException(where + ": key = \"" + text + "\" names an argument, but the argument names"
                        + " are not in the class file; compile with -parameters, or write #p0, #p1, ...");
            }
            int index = Arrays.asList(names).indexOf(name);
            if (index < 0) {
                throw new IllegalStateException(where + ": key = \"" + text + "\" names no argument of the method; its arguments are "
                        + Arrays.toString(names) + " (or #p0, #p1, ...)");
            }
            return new KeyExpression(text, method, where, index, null, stringForm);
        }
        try {
            return new KeyExpression(text, method, where, -1, PARSER.parseExpression(trimmed), stringForm);
        } catch (ParseException e) {
            throw new IllegalStateException(where + ": key = \"" + text + "\" is not a valid SpEL expression ("
                    + e.getMessage() + "); write e.g. \"#" + firstParameterName(method) + "\"", e);
        }
    }

    /** The key of this call; never null. */
    Object evaluate(Object[] args) {
        Object key = argumentIndex >= 0 ? args[argumentIndex]
                : expression.getValue(new MethodBasedEvaluationContext(new KeyRoot(args), method, args, NAMES));
        if (key == null) {
            throw new IllegalArgumentException(where + ": key \"" + text
                    + "\" evaluated to null; a null key would share one guard among unrelated calls, so pass a value");
        }
        return stringForm ? String.valueOf(key) : key;
    }

    private static String firstParameterName(Method method) {
        String[] names = NAMES.getParameterNames(method);
        return names != null && names.length > 0 ? names[0] : "p0";
    }

    /** {@code #root} of a key expression: {@code #root.args}. */
    record KeyRoot(Object[] args) {
    }
}
