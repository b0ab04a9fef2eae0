package dev.signalbox.core;

/** Validation of primitive names, shared by every factory. */
final class Names {

    private Names() {
    }

    /** Returns {@code name}, or throws when it is null or blank. */
    static String require(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a primitive needs a non-blank name (it names its metrics and log lines)");
        }
        return name;
    }
}
