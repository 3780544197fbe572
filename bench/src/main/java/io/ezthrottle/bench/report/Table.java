package io.ezthrottle.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Markdown table built row by row. */
public final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(String.valueOf(c).replace("|", "\\|"));
        }
        rows.add(row);
        return this;
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", header)).append(" |\n");
        sb.append("|").append("---|".repeat(header.size())).append("\n");
        for (List<String> row : rows) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    /** A number with {@code decimals} decimals and thousands separators ("12,345.6"); "n/a" when not finite. */
    public static String num(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    public static String num(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** "MET" or "MISSED" for a goal. */
    public static String verdict(boolean met) {
        return met ? "**met**" : "**missed**";
    }
}
