package io.zetaspark.job.report;

import java.util.Locale;

/**
 * Bar charts as inline SVG, so that a report is one self-contained file with no script, font or
 * image fetched from anywhere. Only what the run report draws: labelled vertical bars with a value
 * axis, and horizontal bars for the stage timeline.
 */
final class Svg {
    private static final String BAR = "#3b6ea8";
    private static final String AXIS = "#444";

    private Svg() {
    }

    /**
     * Vertical bars, one per bin.
     *
     * @param labels  one label per bar (every {@code labelEvery}-th is printed under the axis)
     * @param values  bar heights (non-negative)
     */
    static String bars(String id, String title, String[] labels, double[] values, String xLabel, String yLabel,
                       int labelEvery) {
        int w = 640;
        int h = 300;
        int left = 70;
        int right = 16;
        int top = 34;
        int bottom = 64;
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double plotW = w - left - right;
        double plotH = h - top - bottom;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", id, w, h, w, h, Html.escape(title)));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", w, h));
        sb.append(text(w / 2.0, 20, "middle", 14, "bold", title));
        double ticks = niceStep(max);
        for (double t = 0; t <= max + 1e-9 && ticks > 0; t += ticks) {
            double y = top + plotH - (max == 0 ? 0 : t / max * plotH);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>",
                    left, y, w - right, y));
            sb.append(text(left - 6, y + 4, "end", 11, "normal", compact(t)));
        }
        int n = values.length;
        double slot = n == 0 ? plotW : plotW / n;
        for (int i = 0; i < n; i++) {
            double bh = max == 0 ? 0 : values[i] / max * plotH;
            double x = left + i * slot;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                            + "<title>%s: %s</title></rect>", x + slot * 0.08, top + plotH - bh, Math.max(1, slot * 0.84), bh, BAR,
                    Html.escape(labels[i]), compact(values[i])));
            if (labelEvery > 0 && i % labelEvery == 0) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
                                + "transform=\"rotate(-40 %.1f %.1f)\" font-family=\"sans-serif\">%s</text>",
                        x + slot / 2, top + plotH + 14, x + slot / 2, top + plotH + 14, Html.escape(labels[i])));
            }
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>",
                left, top + plotH, w - right, top + plotH, AXIS));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>",
                left, top, left, top + plotH, AXIS));
        sb.append(text(left + plotW / 2, h - 6, "middle", 12, "normal", xLabel));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 14 %.1f)\" font-family=\"sans-serif\">%s</text>", top + plotH / 2, top + plotH / 2,
                Html.escape(yLabel)));
        return sb.append("</svg>").toString();
    }

    /** Horizontal bars: one row per label, e.g. seconds per stage. */
    static String rows(String id, String title, String[] labels, double[] values, String unit) {
        int w = 640;
        int rowH = 18;
        int top = 34;
        int left = 290;
        int right = 70;
        int h = top + rowH * labels.length + 12;
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", id, w, h, w, h, Html.escape(title)));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", w, h));
        sb.append(text(w / 2.0, 20, "middle", 14, "bold", title));
        double plotW = w - left - right;
        for (int i = 0; i < labels.length; i++) {
            double y = top + i * rowH;
            double bw = max == 0 ? 0 : values[i] / max * plotW;
            sb.append(text(left - 6, y + 13, "end", 11, "normal", labels[i]));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                    left, y + 2, Math.max(1, bw), rowH - 4, BAR));
            sb.append(text(left + bw + 4, y + 13, "start", 11, "normal", compact(values[i]) + " " + unit));
        }
        return sb.append("</svg>").toString();
    }

    private static String text(double x, double y, String anchor, int size, String weight, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" "
                + "text-anchor=\"%s\" font-family=\"sans-serif\">%s</text>", x, y, size, weight, anchor, Html.escape(s));
    }

    /** A 1-2-5 step giving about five grid lines up to {@code max}. */
    static double niceStep(double max) {
        if (!(max > 0) || Double.isInfinite(max)) {
            return 0;
        }
        double raw = max / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    /** 1234567 → "1.23M", 0.0123 → "0.0123". */
    static String compact(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.3gG", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        }
        if (a == Math.rint(a) && a < 1e4) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
