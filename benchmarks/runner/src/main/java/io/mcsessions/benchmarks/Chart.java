package io.mcsessions.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A plain SVG bar chart: requests/s per configuration, one panel per mix, one colour per container, as one
 * generator measured them.
 */
final class Chart {

    private static final int LABEL_WIDTH = 390;
    private static final int PANEL_WIDTH = 300;
    private static final int GAP = 60;
    private static final int ROW = 22;
    private static final int TOP = 50;

    private Chart() {
    }

    static String svg(Results results, Generator generator, List<Mix> mixes) {
        List<Setup> rows = Setup.ALL.stream().filter(s -> mixes.stream()
                .anyMatch(m -> results.reported(s.name(), generator, m).isPresent())).toList();
        double maxRate = results.all().stream().filter(r -> r.generator() == generator)
                .mapToDouble(Result::requestsPerSecond).max().orElse(1);
        int width = LABEL_WIDTH + mixes.size() * (PANEL_WIDTH + GAP) + 40;
        int height = TOP + rows.size() * ROW + 40;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">\n", width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
        for (int p = 0; p < mixes.size(); p++) {
            svg.append(text(LABEL_WIDTH + p * (PANEL_WIDTH + GAP), 20, "requests/s, " + mixes.get(p).label() + " ("
                    + generator.label() + ")", "start", true));
        }
        for (int i = 0; i < rows.size(); i++) {
            Setup setup = rows.get(i);
            int y = TOP + i * ROW;
            svg.append(text(LABEL_WIDTH - 8, y + 14, setup.family() + ": " + setup.label(), "end", false));
            for (int p = 0; p < mixes.size(); p++) {
                Optional<Result> result = results.reported(setup.name(), generator, mixes.get(p));
                if (result.isEmpty()) {
                    continue;
                }
                double rate = result.get().requestsPerSecond();
                int x = LABEL_WIDTH + p * (PANEL_WIDTH + GAP);
                int barWidth = (int) Math.round(PANEL_WIDTH * rate / maxRate);
                svg.append(bar(x, y + 3, barWidth, colour(setup.family())));
                svg.append(text(x + barWidth + 4, y + 14, String.format(Locale.ROOT, "%,.0f", rate), "start", false));
            }
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
