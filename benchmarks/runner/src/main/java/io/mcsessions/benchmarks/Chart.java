package io.mcsessions.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A plain SVG bar chart: requests/s and p99 latency per configuration, one colour per container. */
final class Chart {

    private static final int LABEL_WIDTH = 390;
    private static final int PANEL_WIDTH = 300;
    private static final int GAP = 40;
    private static final int ROW = 22;
    private static final int TOP = 50;

    private Chart() {
    }

    static String svg(Map<String, Measurement> results) {
        List<Setup> rows = Setup.ALL.stream().filter(s -> results.containsKey(s.name())).toList();
        double maxRate = rows.stream().mapToDouble(s -> results.get(s.name()).requestsPerSecond()).max().orElse(1);
        double maxP99 = rows.stream().mapToDouble(s -> results.get(s.name()).p99Micros() / 1000.0).max().orElse(1);
        int width = LABEL_WIDTH + 2 * PANEL_WIDTH + GAP + 80;
        int height = TOP + rows.size() * ROW + 40;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">\n", width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
        svg.append(text(LABEL_WIDTH, 20, "requests/s (higher is better)", "start", true));
        svg.append(text(LABEL_WIDTH + PANEL_WIDTH + GAP, 20, "p99 latency, ms (lower is better)", "start", true));
        for (int i = 0; i < rows.size(); i++) {
            Setup setup = rows.get(i);
            Measurement m = results.get(setup.name());
            int y = TOP + i * ROW;
            svg.append(text(LABEL_WIDTH - 8, y + 14, setup.family() + ": " + setup.label(), "end", false));
            double rate = m.requestsPerSecond();
            double p99 = m.p99Micros() / 1000.0;
            int rateWidth = (int) Math.round(PANEL_WIDTH * rate / maxRate);
            int p99Width = (int) Math.round(PANEL_WIDTH * p99 / maxP99);
            String colour = colour(setup.family());
            svg.append(bar(LABEL_WIDTH, y + 3, rateWidth, colour));
            svg.append(text(LABEL_WIDTH + rateWidth + 4, y + 14, String.format(Locale.ROOT, "%,.0f", rate), "start",
                    false));
            int p99X = LABEL_WIDTH + PANEL_WIDTH + GAP;
            svg.append(bar(p99X, y + 3, p99Width, colour));
            svg.append(text(p99X + p99Width + 4, y + 14, String.format(Locale.ROOT, "%.1f", p99), "start", false));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String colour(String family) {
        return switch (family) {
            case "Tomcat 11" -> "#d9822b";
            case "Tomcat 9" -> "#8a8a8a";
            default -> "#3070b0";
        };
    }

    private static String bar(int x, int y, int width, String colour) {
        return String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"/>\n", x, y,
                Math.max(1, width), colour);
    }

    private static String text(int x, int y, String text, String anchor, boolean bold) {
        String escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\"%s>%s</text>\n", x, y, anchor,
                bold ? " font-weight=\"bold\"" : "", escaped);
    }
}
