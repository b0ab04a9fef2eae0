package dev.signalbox.core;

import java.time.Duration;
import java.time.Instant;

/**
 * One current holder of a primitive, as shown in a {@link Snapshot}.
 *
 * @param description the acquiring thread's name, or "async" with the completing task for async holds
 * @param permits how many permits this holder has
 * @param since when the hold began
 * @param heldFor how long it has been held when the snapshot was taken
 */
public record Holder(String description, int permits, Instant since, Duration heldFor) {
}
