package dev.signalbox.redis.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Sends a Unix signal to a process this test started ({@code kill -SIGNAL pid}), for crash and pause tests. */
public final class Signals {

    private Signals() {
    }

    /**
     * Sends {@code signal} (e.g. {@code "STOP"}, {@code "CONT"}, {@code "KILL"}) to {@code process};
     * {@code what} names it in the error when that fails.
     */
    public static void send(Process process, String signal, String what) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " (" + what + ") failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not send SIG" + signal + " to " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + what, e);
        }
    }
}
