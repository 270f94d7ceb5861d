//! Line charts with plotters, written once against `DrawingBackend` so the same function
//! draws into the browser's canvas and, in tests, into an SVG string.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::model::{Series, Trace};

/// The charts' typeface. The enum, not the string `"sans-serif"`: plotters reads a string
/// through `str::to_lowercase`, which alone pulls Unicode's lower-case tables (about 5 KB
/// gzip) into the wasm.
const SANS: FontFamily<'static> = FontFamily::SansSerif;

/// Colour-blind-safe categorical colours (Okabe & Ito 2008), one per unit, cycling.
pub const UNIT_COLORS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// Line and type weights of a chart: [`Ink::NORMAL`] on a screen, [`Ink::PRESENTER`] for
/// presenter mode, read from the back of a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ink {
    /// A data line's width in backend pixels (a selected unit's is twice this).
    pub line: u32,
    /// Tick labels' size in pixels (axis titles and legends are one larger or smaller).
    pub text: u32,
}

impl Ink {
    pub const NORMAL: Ink = Ink { line: 3, text: 14 };
    pub const PRESENTER: Ink = Ink { line: 6, text: 22 };

    pub fn of(presenter: bool) -> Self {
        if presenter {
            Self::PRESENTER
        } else {
            Self::NORMAL
        }
    }

    /// `px` scaled from the normal type size to this one.
    fn scaled(self, px: u32) -> u32 {
        px * self.text / Self::NORMAL.text
    }
}

/// How many step labels fit under a chart `width` pixels wide (less ~60 px of y labels and
/// margins): each needs room for the digits of `t_len` plus a gap (at 9 000 steps, ten
/// labels ran into each other).
pub fn step_label_count(t_len: usize, width: u32) -> usize {
    let digits = t_len.max(1).ilog10() as usize + 1;
    let fit = (width as usize).saturating_sub(60) / (digits * 9 + 16);
    fit.clamp(2, 10).min(t_len.max(2))
}

/// Tick labels for step axes: whole steps only.
fn whole_steps(x: &f32) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        String::new()
    }
}

/// `UNIT_COLORS[k]` as a CSS colour, for legends drawn in HTML beside a chart.
pub fn unit_color_css(unit: usize) -> String {
    let RGBColor(r, g, b) = UNIT_COLORS[unit % UNIT_COLORS.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Draws `series` of `trace` per unit over time (steps 1..=T on x), as in the seed
/// article's plot of h. `current` (0-based) draws a vertical marker at that step;
/// `selected` draws that unit's line thicker. Units beyond `max_units` are left out so the
/// chart stays legible; long traces are reduced to a min/max envelope per bucket of steps.
///
/// Returns where steps 1 and T sit in backend pixels, so a caller can place its own
/// current-step marker over the drawing without redrawing the chart.
pub fn draw_series_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    trace: &Trace,
    series: Series,
    current: Option<usize>,
    selected: Option<usize>,
    max_units: usize,
    ink: Ink,
) -> Result<XSpan, DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let Some(values) = trace.get(series) else {
        return Ok(XSpan::default());
    };
    let t_len = trace.steps();
    // The trace keeps each row's range: no pass over all T·H values on every redraw.
    let (lo, hi) = trace
        .min_max(series)
        .map_or((0.0, 0.0), |(lo, hi)| (lo.min(0.0), hi.max(0.0)));
    let pad = ((hi - lo) * 0.08).max(0.05);
    let x_end = (t_len as f32).max(2.0);
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .x_label_area_size(ink.scaled(40))
        .y_label_area_size(ink.scaled(48))
        .build_cartesian_2d(1f32..x_end, (lo - pad)..(hi + pad))?;
    chart
        .configure_mesh()
        .x_desc("timestep t")
        .y_desc(series.symbol())
        .x_labels(step_label_count(t_len, area.dim_in_pixel().0))
        .x_label_formatter(&whole_steps)
        .y_labels(6)
        // Ticks near zero come out as -0.0 otherwise; the compact form prints 0.
        .y_label_formatter(&|y| {
            crate::viz::format_compact(if y.abs() < 1e-6 { 0.0 } else { *y }, 2)
        })
        .light_line_style(RGBColor(236, 236, 236))
        .label_style((SANS, ink.text))
        .axis_desc_style((SANS, ink.text + 1))
        .draw()?;
    if let Some(t) = current.filter(|&t| t < t_len) {
        let x = t as f32 + 1.0;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, lo - pad), (x, hi + pad)],
            RGBColor(120, 120, 120).stroke_width(2),
        )))?;
    }
    // About one envelope bucket (two points) per two pixels: more points are invisible but
    // cost the browser's rasteriser per edit (16 lines of 1500 points took ~18 ms a frame).
    let buckets = (area.dim_in_pixel().0 as usize / 2).clamp(16, 750);
    for unit in 0..values.ncols().min(max_units) {
        let color = UNIT_COLORS[unit % UNIT_COLORS.len()];
        let width = if selected == Some(unit) {
            2 * ink.line
        } else {
            ink.line
        };
        let column = values.column(unit);
        let points = envelope(
            column
                .as_slice()
                .map_or_else(|| column.to_vec(), <[f32]>::to_vec)
                .as_slice(),
            buckets,
        );
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            color.stroke_width(width),
        ))?;
        if t_len <= 60 {
            let r = ink.line + 1;
            chart.draw_series(points.iter().map(|&p| Circle::new(p, r, color.filled())))?;
        }
    }
    let span = XSpan {
        first: chart.backend_coord(&(1.0, lo)).0,
        last: chart.backend_coord(&(x_end, lo)).0,
    };
    area.present()?;
    Ok(span)
}

/// Where steps 1 and T are drawn, in backend pixels along x.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct XSpan {
    pub first: i32,
    pub last: i32,
}

/// `(step, value)` points (steps from 1). Beyond `2·buckets` values, each bucket of steps
/// contributes its minimum and maximum in time order, which keeps every peak visible.
pub fn envelope(values: &[f32], buckets: usize) -> Vec<(f32, f32)> {
    let n = values.len();
    if n <= 2 * buckets.max(1) {
        return values
            .iter()
            .enumerate()
            .map(|(t, &v)| (t as f32 + 1.0, v))
            .collect();
    }
    let mut out = Vec::with_capacity(2 * buckets);
    for b in 0..buckets {
        let (t0, t1) = (b * n / buckets, (b + 1) * n / buckets);
        let slice = &values[t0..t1];
        let (mut imin, mut imax) = (0, 0);
        for (k, v) in slice.iter().enumerate() {
            if *v < slice[imin] {
                imin = k;
            }
            if *v > slice[imax] {
                imax = k;
            }
        }
        for k in if imin <= imax {
            [imin, imax]
        } else {
            [imax, imin]
        } {
            out.push(((t0 + k) as f32 + 1.0, slice[k]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{examples, forward, parse_sequence, InitialState};

    #[test]
    fn seed_plot_of_h_renders_one_line_per_unit() {
        let p = examples::seed_article_lstm();
        let x = parse_sequence(examples::SEED_ARTICLE_INPUT, 1).unwrap();
        let trace = forward(&p, x.view(), &InitialState::default()).unwrap();
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (640, 320)).into_drawing_area();
            draw_series_lines(&area, &trace, Series::H, Some(2), None, 16, Ink::NORMAL).unwrap();
        }
        for (unit, &RGBColor(r, g, b)) in UNIT_COLORS.iter().enumerate().take(4) {
            let stroke = format!("stroke=\"#{r:02X}{g:02X}{b:02X}\"");
            assert!(svg.contains(&stroke), "unit {unit}'s line: {stroke}");
        }
    }

    #[test]
    fn presenter_ink_draws_thicker_lines_and_larger_type() {
        let p = examples::seed_article_lstm();
        let x = parse_sequence(examples::SEED_ARTICLE_INPUT, 1).unwrap();
        let trace = forward(&p, x.view(), &InitialState::default()).unwrap();
        let draw = |ink: Ink| {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (640, 320)).into_drawing_area();
                draw_series_lines(&area, &trace, Series::H, None, None, 16, ink).unwrap();
            }
            svg
        };
        let (normal, big) = (draw(Ink::NORMAL), draw(Ink::PRESENTER));
        assert!(normal.contains("stroke-width=\"3\"") && !normal.contains("stroke-width=\"6\""));
        assert!(big.contains("stroke-width=\"6\"") && !big.contains("stroke-width=\"3\""));
        // Larger type needs wider label areas: the plot's first grid line moves right.
        let first_grid_x = |svg: &str| -> u32 {
            let at = svg
                .find("stroke=\"#ECECEC\" stroke-width=\"1\" x1=\"")
                .unwrap();
            let rest = &svg[at..];
            let v = rest.split("x1=\"").nth(1).unwrap();
            v[..v.find('"').unwrap()].parse().unwrap()
        };
        assert!(first_grid_x(&big) > first_grid_x(&normal) + 20);
    }

    #[test]
    fn step_labels_fit_their_width() {
        assert_eq!(step_label_count(5, 350), 5);
        assert_eq!(step_label_count(100, 350), 6);
        assert_eq!(step_label_count(9_000, 350), 5);
        assert_eq!(step_label_count(10_000, 120), 2);
    }

    #[test]
    fn envelope_keeps_extremes() {
        let v: Vec<f32> = (0..10_000)
            .map(|t| if t == 4_321 { 9.0 } else { (t as f32).sin() })
            .collect();
        let e = envelope(&v, 100);
        assert_eq!(e.len(), 200);
        assert!(e.contains(&(4_322.0, 9.0)));
        assert!(e.windows(2).all(|w| w[0].0 <= w[1].0), "time order");
        assert_eq!(envelope(&[1.0, 2.0], 100), vec![(1.0, 1.0), (2.0, 2.0)]);
    }
}

/// Draws the legend of `lines` as rows of "swatch label" entries along the top of `area`,
/// wrapping when a row is full; returns the height it took.
fn draw_legend_strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[LogLine<'_>],
    ink: Ink,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let row = ink.scaled(20) as i32;
    let swatch = ink.scaled(22) as i32;
    let size = ink.text - 1;
    let font = (SANS, size).into_font().color(&BLACK);
    let width = area.dim_in_pixel().0 as i32;
    let (mut x, mut y) = (70, 4);
    for line in lines {
        // About 0.54 em per character of sans-serif; exact metrics need a font backend.
        let per_char = (size as i32 * 54 + 50) / 100;
        let w = swatch + 6 + per_char * line.label.chars().count() as i32 + 18;
        if x + w > width && x > 70 {
            x = 70;
            y += row;
        }
        let mid = y + row / 2;
        let style = line.color.stroke_width(ink.line);
        if line.dashed {
            area.draw(&PathElement::new(vec![(x, mid), (x + 8, mid)], style))?;
            area.draw(&PathElement::new(
                vec![(x + 13, mid), (x + swatch, mid)],
                style,
            ))?;
        } else {
            area.draw(&PathElement::new(vec![(x, mid), (x + swatch, mid)], style))?;
        }
        area.draw(&Text::new(
            line.label,
            (x + swatch + 6, mid - size as i32 * 8 / 13),
            font.clone(),
        ))?;
        x += w;
    }
    Ok(y + row)
}

/// One line of [`draw_log_lines`].
pub struct LogLine<'a> {
    pub label: &'a str,
    pub color: RGBColor,
    pub values: &'a [f32],
    pub dashed: bool,
}

/// Lines over steps 1..=T on a logarithmic y axis (values below `1e-12` are drawn at
/// `1e-12`), for gradient norms and losses, which span many orders of magnitude. The legend
/// is a strip above the plot, wrapped into rows to fit, so it never covers a line.
pub fn draw_log_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[LogLine<'_>],
    (x_desc, y_desc): (&str, &str),
    ink: Ink,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    const FLOOR: f32 = 1e-12;
    area.fill(&WHITE)?;
    let legend_height = draw_legend_strip(area, lines, ink)?;
    let t_len = lines.iter().map(|l| l.values.len()).max().unwrap_or(0);
    if t_len == 0 {
        return Ok(());
    }
    let (lo, hi) =
        lines
            .iter()
            .flat_map(|l| l.values.iter())
            .fold((f32::INFINITY, 0.0f32), |(lo, hi), &v| {
                let v = v.max(FLOOR);
                (lo.min(v), hi.max(v))
            });
    let (lo, hi) = (lo / 2.0, (hi * 2.0).max(lo * 10.0));
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .margin_top(8 + legend_height)
        .x_label_area_size(ink.scaled(36))
        .y_label_area_size(ink.scaled(62))
        .build_cartesian_2d(1f32..(t_len as f32).max(2.0), (lo..hi).log_scale())?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(step_label_count(t_len, area.dim_in_pixel().0))
        .x_label_formatter(&whole_steps)
        // Plain numbers over a few decades (bits per character: 0.5 to 6); powers of ten
        // over many (gradient norms). Few labels: a log axis crowds them at the top.
        .y_labels(if hi / lo <= 1e3 { 5 } else { 10 })
        .y_label_formatter(&|y| {
            if hi / lo <= 1e3 {
                crate::viz::format_compact(*y, 2)
            } else {
                format!("{y:.0e}")
            }
        })
        .light_line_style(RGBColor(236, 236, 236))
        .label_style((SANS, ink.text - 1))
        .axis_desc_style((SANS, ink.text))
        .draw()?;
    for line in lines {
        let points: Vec<(f32, f32)> = line
            .values
            .iter()
            .enumerate()
            .map(|(t, &v)| (t as f32 + 1.0, v.max(FLOOR)))
            .collect();
        let style = line.color.stroke_width(ink.line);
        if line.dashed {
            chart.draw_series(DashedLineSeries::new(points, 8, 5, style))?;
        } else {
            chart.draw_series(LineSeries::new(points, style))?;
        }
    }
    area.present()
}

#[cfg(test)]
mod log_tests {
    use super::*;

    #[test]
    fn log_lines_render_with_a_legend_and_survive_zeros() {
        let a = [1e-8f32, 1e-4, 1.0];
        let b = [0.0f32, 0.5, 1.0];
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (480, 260)).into_drawing_area();
            let lines = [
                LogLine {
                    label: "RNN",
                    color: UNIT_COLORS[0],
                    values: &a,
                    dashed: false,
                },
                LogLine {
                    label: "LSTM forget product",
                    color: UNIT_COLORS[1],
                    values: &b,
                    dashed: true,
                },
            ];
            draw_log_lines(&area, &lines, ("timestep t", "norm"), Ink::NORMAL).unwrap();
        }
        assert!(svg.contains("RNN") && svg.contains("LSTM forget product"));
        assert!(
            svg.contains("1e-8") || svg.contains("1e-7"),
            "log ticks span the range"
        );
    }
}
