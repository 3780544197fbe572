package io.ezthrottle.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots drawn headless with JFreeChart: one or more panels stacked over a shared x axis, each with line, point or
 * step series and labelled horizontal reference lines (targets).
 */
public final class Charts {

    /** How a series is drawn. */
    public enum Style { LINE, POINTS, LINE_POINTS, STEP }

    /**
     * One series; {@code x} and {@code y} have the same length. {@code colour} null takes the next palette colour; a
     * series with the name and colour of one already shown in another panel is left out of the legend.
     */
    public record Series(String name, double[] x, double[] y, Style style, Color colour) {
        public Series(String name, double[] x, double[] y, Style style) {
            this(name, x, y, style, null);
        }
    }

    /** A labelled horizontal line (a target or a reference). */
    public record Line(double y, String label) {
    }

    /** One panel of a figure. */
    public record Panel(String yLabel, boolean logY, List<Series> series, List<Line> lines) {
        public Panel(String yLabel, boolean logY, List<Series> series) {
            this(yLabel, logY, series, List.of());
        }
    }

    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};

    private Charts() {
    }

    /** Writes a figure of {@code panels} (top to bottom) sharing the x axis to {@code file}. */
    public static void write(Path file, String title, String xLabel, boolean logX, List<Panel> panels, int width,
                             int height) {
        ValueAxis xAxis = axis(xLabel, logX);
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(xAxis);
        combined.setGap(12);
        int[] colour = {0};
        java.util.Set<String> inLegend = new java.util.HashSet<>();
        for (Panel panel : panels) {
            combined.add(plot(panel, colour, inLegend), 1);
        }
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), combined, true);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code colour} carries the next palette index across panels, so no two series of a figure share a colour. */
    private static XYPlot plot(Panel panel, int[] colour, java.util.Set<String> inLegend) {
        XYPlot plot = new XYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        ValueAxis yAxis = axis(panel.yLabel(), panel.logY());
        plot.setRangeAxis(yAxis);
        List<Series> series = new ArrayList<>(panel.series());
        double top = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            XYSeries data = new XYSeries(s.name(), false, true);
            for (int k = 0; k < s.x().length; k++) {
                double y = s.y()[k];
                if (panel.logY() && !(y > 0)) {
                    continue; // a log axis cannot show zero
                }
                if (Double.isFinite(y) && Double.isFinite(s.x()[k])) {
                    data.add(s.x()[k], y);
                    top = Math.max(top, y);
                }
            }
            plot.setDataset(i, new XYSeriesCollection(data));
            Color c = s.colour() != null ? s.colour() : PALETTE[colour[0]++ % PALETTE.length];
            XYLineAndShapeRenderer r = renderer(s.style(), c);
            r.setSeriesVisibleInLegend(0, inLegend.add(s.name() + "@" + c.getRGB()));
            plot.setRenderer(i, r);
        }
        if (!panel.logY()) {
            // reference lines count for the range too, so a target above the data stays visible
            for (Line line : panel.lines()) {
                top = Math.max(top, line.y());
            }
            yAxis.setRange(0, top > 0 ? top * 1.08 : 1);
        }
        for (Line line : panel.lines()) {
            ValueMarker marker = new ValueMarker(line.y(), new Color(0x555555), new BasicStroke(1.2f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            marker.setLabel(line.label());
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(marker);
        }
        return plot;
    }

    private static XYLineAndShapeRenderer renderer(Style style, Color colour) {
        XYLineAndShapeRenderer r = style == Style.STEP ? new XYStepRenderer() : new XYLineAndShapeRenderer();
        boolean lines = style != Style.POINTS;
        boolean shapes = style == Style.POINTS || style == Style.LINE_POINTS;
        r.setSeriesLinesVisible(0, lines);
        r.setSeriesShapesVisible(0, shapes);
        r.setSeriesPaint(0, colour);
        r.setSeriesStroke(0, new BasicStroke(1.8f));
        double size = style == Style.POINTS ? 3 : 6;
        r.setSeriesShape(0, new Ellipse2D.Double(-size / 2, -size / 2, size, size));
        return r;
    }

    private static ValueAxis axis(String label, boolean log) {
        if (log) {
            LogAxis axis = new LogAxis(label);
            axis.setBase(10);
            axis.setSmallestValue(1e-3);
            axis.setAutoRange(true);
            return axis;
        }
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(true);
        return axis;
    }
}
