package dev.signalbox.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The module's Lua scripts, read once (when this class initialises) from the {@code *.lua} resources
 * next to it, {@code dev/signalbox/redis/}. This is the one place that composes them: it drops each
 * file's header (the leading {@code --} comment lines), fills in their {@code ${NAME}} parameters and
 * prepends shared parts. A missing resource or an unfilled parameter fails class initialisation with
 * an {@link IllegalStateException} naming it.
 */
final class RedisScripts {

    /** {@code ${NAME}}; declared first, as the constants below use it while this class initialises. */
    private static final Pattern PARAMETER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** Verdicts a barrier's hash keeps, for parties that missed the published one ({@code ${VERDICTS_KEPT}}). */
    static final int BARRIER_VERDICTS_KEPT = 32;

    private static final Map<String, Object> BARRIER_PARAMETERS = Map.of("VERDICTS_KEPT", BARRIER_VERDICTS_KEPT);

    /** The barrier scripts' shared start: local functions {@code decide}, {@code now_ms}, {@code lapsed}. */
    static final String BARRIER_DECIDE = load("barrier-decide.lua", BARRIER_PARAMETERS);
    /** {@link RedisBarrier}'s arrival: {@link #BARRIER_DECIDE}, then {@code barrier-arrive.lua}. */
    static final String BARRIER_ARRIVE = BARRIER_DECIDE + load("barrier-arrive.lua", BARRIER_PARAMETERS);
    /** {@link RedisBarrier}'s give-up or check: {@link #BARRIER_DECIDE}, then {@code barrier-settle.lua}. */
    static final String BARRIER_SETTLE = BARRIER_DECIDE + load("barrier-settle.lua", BARRIER_PARAMETERS);
    /** {@link RedisBarrier}'s abort: {@link #BARRIER_DECIDE}, then {@code barrier-abort.lua}. */
    static final String BARRIER_ABORT = BARRIER_DECIDE + load("barrier-abort.lua", BARRIER_PARAMETERS);
    /** {@link RedisBarrier}'s reset: {@link #BARRIER_DECIDE}, then {@code barrier-reset.lua}. */
    static final String BARRIER_RESET = BARRIER_DECIDE + load("barrier-reset.lua", BARRIER_PARAMETERS);
    /** {@link RedisBarrier}'s withdrawal of one party: {@link #BARRIER_DECIDE}, then {@code barrier-leave.lua}. */
    static final String BARRIER_LEAVE = BARRIER_DECIDE + load("barrier-leave.lua", BARRIER_PARAMETERS);

    private RedisScripts() {
    }

    /**
     * The script in resource {@code name} (relative to this package) without its header, with each
     * {@code ${NAME}} replaced by {@code parameters.get(NAME)}. Line ends are {@code \n} whatever the
     * file has.
     */
    static String load(String name, Map<String, ?> parameters) {
        String body = stripHeader(read(name));
        Matcher m = PARAMETER.matcher(body);
        StringBuilder out = new StringBuilder(body.length());
        while (m.find()) {
            Object value = parameters.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("Lua script " + resourcePath(name) + " uses parameter ${"
                        + m.group(1) + "}, which is not given (given: " + parameters.keySet() + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.toString()));
        }
        m.appendTail(out);
        if (out.isEmpty()) {
            throw new IllegalStateException("Lua script " + resourcePath(name) + " has nothing after its header");
        }
        return out.toString();
    }

    private static String read(String name) {
        try (InputStream in = RedisScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Lua script resource " + resourcePath(name)
                        + " is missing from the classpath (it ships in signalbox-redis' jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read Lua script resource " + resourcePath(name), e);
        }
    }

    /** Drops the leading lines that start with {@code --}. */
    private static String stripHeader(String text) {
        int start = 0;
        while (text.startsWith("--", start)) {
            int end = text.indexOf('\n', start);
            start = end < 0 ? text.length() : end + 1;
        }
        return text.substring(start);
    }

    private static String resourcePath(String name) {
        return RedisScripts.class.getPackageName().replace('.', '/') + "/" + name;
    }
}
