package io.mcsessions.examples.boot;

import jakarta.servlet.http.HttpSession;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A counter kept in the HTTP session: every POST adds one, on whichever instance serves it. */
@RestController
public class CounterController {
    private final String instance;

    public CounterController(@Value("${spring.application.name:boot}") String instance) {
        this.instance = instance;
    }

    @PostMapping("/counter")
    public Map<String, Object> increment(HttpSession session) {
        Integer count = (Integer) session.getAttribute("count");
        int next = count == null ? 1 : count + 1;
        session.setAttribute("count", next);
        return Map.of("count", next, "instance", instance);
    }

    @GetMapping("/counter")
    public Map<String, Object> read(HttpSession session) {
        Object count = session.getAttribute("count");
        return Map.of("count", count == null ? 0 : count, "instance", instance);
    }
}
