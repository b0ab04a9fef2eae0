package dev.signalbox.dashboard;

import java.io.StringWriter;
import java.util.Map;

import org.thymeleaf.standard.serializer.IStandardJavaScriptSerializer;
import org.thymeleaf.standard.serializer.StandardJavaScriptSerializer;

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
 * the page itself (a shell with the first overview embedded), {@code /data} (the overview with sparklines), {@code /stream} (the overview each
 * second as server-sent events) and {@code /primitive?name=} (one primitive's history, holders and
 * hottest keys).
 */
@Controller
@RequestMapping("${signalbox.dashboard.path:/signalbox}")
final class DashboardController {

    /** Thymeleaf's own serializer (Jackson when present): the dashboard needs no JSON library of its own. */
    private static final IStandardJavaScriptSerializer JSON = new StandardJavaScriptSerializer(true);

    private final DashboardSampler sampler;
    private final DashboardStream stream;
    private final DashboardProperties properties;

    DashboardController(DashboardSampler sampler, DashboardStream stream, DashboardProperties properties) {
        this.sampler = sampler;
        this.stream = stream;
        this.properties = properties;
    }

    /**
     * The page shell. It carries the overview of the last tick (with sparkline history) as JSON for
     * {@code dashboard.js}, which draws every row, the first paint included; {@code rows} and
     * {@code total} stay in the model for a template that overrides this one.
     */
    @GetMapping({"", "/"})
    String page(Model model) {
        Map<String, Object> overview = sampler.overview(true);
        model.addAttribute("basePath", properties.normalizedPath());
        model.addAttribute("overviewJson", embeddable(overview));
        model.addAttribute("rows", overview.get("primitives"));
        model.addAttribute("total", overview.get("total"));
        model.addAttribute("holdWarningSeconds", properties.getHoldWarning().toSeconds());
        return "signalbox/dashboard";
    }

    /**
     * {@code value} as JSON that can sit in a {@code <script type="application/json">} element:
     * {@code '<'} occurs only inside JSON strings, and written as a unicode escape it can neither close
     * the element nor open a comment in it, whatever a primitive is named.
     */
    static String embeddable(Object value) {
        StringWriter json = new StringWriter();
        JSON.serializeValue(value, json);
        return json.toString().replace("<", "\\u003c");
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
