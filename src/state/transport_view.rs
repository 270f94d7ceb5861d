//! The transport bar's contents as a plain [`crate::viz::tree`]: start, back, play/pause,
//! forward and end buttons, the "Timestep" slider with its readout, the speed slider and
//! "Loop". `app::transport` patches it into its section (every frame while playing: a few
//! dozen nodes compared) and handles the controls' events there, by `data-act`.

use super::playback::{Playback, MAX_SPEED, MIN_SPEED};
use crate::viz::tree::{html, svg, Element, Node};

/// What a transport control does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportAct {
    Start,
    Back,
    PlayPause,
    Forward,
    End,
    /// The "Timestep" slider moved.
    Seek,
    /// The speed slider moved.
    Speed,
    /// "Loop" was switched.
    Loop,
}

impl TransportAct {
    const ALL: [TransportAct; 8] = [
        TransportAct::Start,
        TransportAct::Back,
        TransportAct::PlayPause,
        TransportAct::Forward,
        TransportAct::End,
        TransportAct::Seek,
        TransportAct::Speed,
        TransportAct::Loop,
    ];

    /// The control's `data-act`.
    pub fn key(self) -> &'static str {
        match self {
            TransportAct::Start => "start",
            TransportAct::Back => "back",
            TransportAct::PlayPause => "play",
            TransportAct::Forward => "forward",
            TransportAct::End => "end",
            TransportAct::Seek => "seek",
            TransportAct::Speed => "speed",
            TransportAct::Loop => "loop",
        }
    }

    /// The act whose `data-act` is `key`.
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }
}

/// `"2 steps/s"`, `"0.5 steps/s"`.
pub fn speed_text(speed: f64) -> String {
    if speed < 1.0 {
        format!("{speed:.1} steps/s")
    } else {
        format!("{speed:.0} steps/s")
    }
}

/// An icon button: `label` is its accessible name, `path` its 16×16 SVG icon.
fn icon(act: TransportAct, label: &str, title: &str, path: &str) -> Node {
    html("button")
        .class("icon")
        .attr("aria-label", label)
        .attr("title", title)
        .attr("data-act", act.key())
        .child(
            svg("svg")
                .attr("viewBox", "0 0 16 16")
                .attr("aria-hidden", "true")
                .child(svg("path").attr("d", path)),
        )
        .into()
}

/// The bar for `playback` at step `current` (0-based) of a trace of `steps` steps.
pub fn transport(playback: &Playback, current: usize, steps: usize) -> Vec<Node> {
    let playing = playback.is_playing();
    let speed = playback.speed();
    let t = current + 1;
    let play = html("button")
        .class("play")
        .attr("aria-label", if playing { "Pause" } else { "Play" })
        .attr("title", "Play / pause (Space)")
        .attr("data-act", TransportAct::PlayPause.key())
        .text(if playing { "❚❚ Pause" } else { "▶ Play" });
    let scrub = html("label")
        .class("scrub")
        .child(
            html("span")
                .class("step-readout")
                .attr("aria-hidden", "true")
                .text("t = ")
                .child(html("b").text(t.to_string()))
                .text(format!(" / {steps}")),
        )
        .child(
            html("input")
                .attr("type", "range")
                .attr("aria-label", "Timestep")
                .attr("min", "1")
                .attr("max", steps.to_string())
                .attr("value", t.to_string())
                .attr("aria-valuetext", format!("step {t} of {steps}"))
                .attr("data-act", TransportAct::Seek.key()),
        );
    let speed_label = html("label")
        .class("speed")
        .child(html("span").text("Speed"))
        .child(
            html("input")
                .attr("type", "range")
                .attr("aria-label", "Speed")
                .attr("min", MIN_SPEED.to_string())
                .attr("max", MAX_SPEED.to_string())
                .attr("step", "0.5")
                .attr("value", speed.to_string())
                .attr("aria-valuetext", speed_text(speed))
                .attr("data-act", TransportAct::Speed.key()),
        )
        .child(html("output").text(speed_text(speed)));
    let looping: Element = html("label")
        .class("loop")
        .child(
            html("input")
                .attr("type", "checkbox")
                .attr_if(playback.is_looping(), "checked", "")
                .attr("data-act", TransportAct::Loop.key()),
        )
        .text("Loop");
    vec![
        icon(
            TransportAct::Start,
            "Go to start",
            "Go to start (Home)",
            "M3 2h2v12H3zM14 2v12L6 8z",
        ),
        icon(
            TransportAct::Back,
            "Step back",
            "Step back (←)",
            "M12 2v12L4 8z",
        ),
        play.into(),
        icon(
            TransportAct::Forward,
            "Step forward",
            "Step forward (→)",
            "M4 2v12l8-6z",
        ),
        icon(
            TransportAct::End,
            "Go to end",
            "Go to end (End)",
            "M11 2h2v12h-2zM2 2v12l8-6z",
        ),
        scrub.into(),
        speed_label.into(),
        looping.into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_act(nodes: &[Node], act: TransportAct) -> &Element {
        nodes
            .iter()
            .flat_map(|n| n.find_all(&|e| e.get("data-act") == Some(act.key())))
            .next()
            .unwrap_or_else(|| panic!("no {act:?}"))
    }

    #[test]
    fn the_bar_shows_the_step_the_speed_and_what_play_will_do() {
        let p = Playback::default();
        let nodes = transport(&p, 2, 5);
        let slider = with_act(&nodes, TransportAct::Seek);
        assert_eq!(slider.get("value"), Some("3"));
        assert_eq!(slider.get("max"), Some("5"));
        assert_eq!(slider.get("aria-valuetext"), Some("step 3 of 5"));
        assert!(nodes[5].text_content().starts_with("t = 3 / 5"));
        let play = with_act(&nodes, TransportAct::PlayPause);
        assert_eq!(play.get("aria-label"), Some("Play"));
        let speed = with_act(&nodes, TransportAct::Speed);
        assert_eq!(
            speed.get("aria-valuetext").map(str::to_string),
            Some(speed_text(p.speed()))
        );
        assert_eq!(
            with_act(&nodes, TransportAct::Loop)
                .get("checked")
                .is_some(),
            p.is_looping()
        );
        for act in TransportAct::ALL {
            assert_eq!(TransportAct::parse(act.key()), Some(act));
        }
        assert_eq!(TransportAct::parse("stop"), None);
    }

    #[test]
    fn speeds_read_as_steps_per_second() {
        assert_eq!(speed_text(0.5), "0.5 steps/s");
        assert_eq!(speed_text(2.0), "2 steps/s");
        assert_eq!(speed_text(12.0), "12 steps/s");
    }
}
