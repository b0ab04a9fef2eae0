package dev.signalbox.dashboard;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The dashboard's page and its read-only data, under {@code signalbox.dashboard.path}:
 * the page itself, {@code /data} (the overview with sparklines), {@code /stream} (the overview each
 * second as server-sent events) and {@code /primitive?name=} (one primitive's history, holders and
 * hottest keys).
 */
@Controller
@RequestMapping("${signalbox.dashboard.path:/signalbox}")
final class DashboardController {

    private final DashboardSampler sampler;
    private final DashboardStream stream;
    private final DashboardProperties properties;

    DashboardController(DashboardSampler sampler, DashboardStream stream, DashboardProperties properties) {
        this.sampler = sampler;
        this.stream = stream;
        this.properties = properties;
    }

    @GetMapping({"", "/"})
    String page(Model model) {
        model.addAttribute("basePath", properties.normalizedPath());
        model.addAttribute("rows", sampler.rows().subList(0, Math.min(sampler.rows().size(), properties.getMaxRows())));
        model.addAttribute("total", sampler.rows().size());
        model.addAttribute("holdWarningSeconds", properties.getHoldWarning().toSeconds());
        return "signalbox/dashboard";
    }

    @GetMapping(path = "/data", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> data() {
        return sampler.overview(true);
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter stream() {
        return stream.open();
    }

    @GetMapping(path = "/primitive", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    ResponseEntity<Map<String, Object>> primitive(@RequestParam String name) {
        return ResponseEntity.of(sampler.detail(name));
    }
}
