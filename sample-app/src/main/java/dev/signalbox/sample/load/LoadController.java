package dev.signalbox.sample.load;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Switches the load generator: {@code POST /api/load?enabled=true&shape=HOT_KEY}. */
@RestController
@RequestMapping("/api/load")
public class LoadController {

    private final LoadGenerator generator;

    public LoadController(LoadGenerator generator) {
        this.generator = generator;
    }

    @GetMapping
    public LoadGenerator.LoadStatus status() {
        return generator.status();
    }

    @PostMapping
    public LoadGenerator.LoadStatus configure(@RequestParam boolean enabled,
                                              @RequestParam(required = false) LoadShape shape) {
        return generator.configure(enabled, shape);
    }
}
