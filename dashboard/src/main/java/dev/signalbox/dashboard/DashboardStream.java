package dev.signalbox.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open server-sent-event streams of dashboard pages; {@link #publish} sends one overview to each.
 * A stream that fails or times out is dropped (the browser's EventSource reconnects by itself).
 */
final class DashboardStream {

    private static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

    private final Set<SseEmitter> emitters = new CopyOnWriteArraySet<>();

    SseEmitter open() {
        SseEmitter emitter = new SseEmitter(STREAM_LIFETIME.toMillis());
        emitters.add(emitter);
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(e -> emitters.remove(emitter));
        return emitter;
    }

    int subscribers() {
        return emitters.size();
    }

    void publish(Object overview) {
        for (SseEmitter emitter : emitters) {
            try {
                emitter.send(SseEmitter.event().name("overview").data(overview, MediaType.APPLICATION_JSON));
            } catch (IOException | IllegalStateException gone) {
                emitters.remove(emitter);
                emitter.completeWithError(gone);
            }
        }
    }

    void closeAll() {
        emitters.forEach(SseEmitter::complete);
        emitters.clear();
    }
}
