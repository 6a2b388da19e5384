package io.mcsessions.boot.app;

import jakarta.servlet.http.HttpSession;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The test application: a counter in the HTTP session. It uses only what Boot 3.5 and Boot 4.0 share, so the same
 * compiled tests run on both (boot4-tests runs them from this module's test jar).
 */
@SpringBootApplication
public class CounterApplication {

    /** Every POST adds one to the session's counter, on whichever instance serves it. */
    @RestController
    public static class CounterController {
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
}
