package dev.signalbox.sample.load;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The built-in load generator ({@code sample.load.*}).
 *
 * @param enabled whether it runs from startup; switch it at run time with {@code POST /api/load}
 * @param shape the initial load shape
 * @param callsPerTick calls started per 200 ms tick in the steady shape
 */
@ConfigurationProperties("sample.load")
public record LoadProperties(boolean enabled, LoadShape shape, Integer callsPerTick) {

    public LoadProperties {
        shape = shape == null ? LoadShape.STEADY : shape;
        callsPerTick = callsPerTick == null ? 20 : callsPerTick;
        if (callsPerTick < 1) {
            throw new IllegalArgumentException(
                    "sample.load.calls-per-tick = " + callsPerTick + ": must be at least 1");
        }
    }
}
