//! What a teacher hides, and presenter mode: plain data, kept in the link (`hide`,
//! `present`) and applied as one attribute on the page's root (`data-hide`, a space-separated
//! list the stylesheet matches with `~=`), so hiding costs no view code.

/// The parts of the page a teacher can hide: (key in links and `data-hide`, checkbox label).
pub const PARTS: [(&str, &str); 15] = [
    ("input", "Hide the input field"),
    ("editor", "Hide the step editor"),
    ("transport", "Hide the transport"),
    ("explainer", "Hide the equations"),
    ("diagram", "Hide the drawing of the cell"),
    ("compare", "Hide compare mode"),
    ("training", "Hide training"),
    ("model", "Hide the model settings"),
    ("files", "Hide opening and saving models"),
    ("info", "Hide the model facts"),
    ("interventions", "Hide the interventions"),
    ("bars", "Hide the bars of the current step"),
    ("chart", "Hide the line chart"),
    ("lessons", "Hide the lessons"),
    ("text", "Hide text mode"),
];

/// Hidden parts and presenter mode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Teach {
    /// Keys of [`PARTS`], in [`PARTS`]' order.
    hidden: Vec<&'static str>,
    pub presenter: bool,
}

impl Teach {
    pub fn is_hidden(&self, key: &str) -> bool {
        self.hidden.contains(&key)
    }

    /// Hides or shows part `key` (unknown keys are ignored).
    pub fn set_hidden(&mut self, key: &str, hide: bool) {
        let Some(&(k, _)) = PARTS.iter().find(|(k, _)| *k == key) else {
            return;
        };
        self.hidden.retain(|h| *h != k);
        if hide {
            self.hidden.push(k);
            self.hidden
                .sort_by_key(|h| PARTS.iter().position(|(p, _)| p == h));
        }
    }

    /// The root's `data-hide` value.
    pub fn data_hide(&self) -> String {
        self.hidden.join(" ")
    }

    /// The link's `hide` value (`None` when nothing is hidden).
    pub fn link_hide(&self) -> Option<String> {
        (!self.hidden.is_empty()).then(|| self.hidden.join(","))
    }

    /// Reads a link's `hide` value; unknown names get one message, the known ones apply.
    pub fn read_hide(&mut self, value: &str) -> Result<(), String> {
        let mut unknown = Vec::new();
        for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match PARTS.iter().find(|(k, _)| *k == name) {
                Some((k, _)) => self.set_hidden(k, true),
                None => unknown.push(crate::model::parse::excerpt(name)),
            }
        }
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "Hide: {} not a part of the page ({}).",
                unknown
                    .iter()
                    .map(|u| format!("\"{u}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if unknown.len() == 1 { " is" } else { " are" },
                PARTS.map(|(k, _)| k).join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_parts_round_trip_in_page_order() {
        let mut t = Teach::default();
        t.set_hidden("training", true);
        t.set_hidden("input", true);
        t.set_hidden("nonsense", true);
        assert_eq!(t.data_hide(), "input training");
        assert_eq!(t.link_hide().as_deref(), Some("input,training"));
        let mut back = Teach::default();
        back.read_hide("input,training").unwrap();
        assert_eq!(back, t);
        t.set_hidden("input", false);
        assert_eq!(t.data_hide(), "training");
        assert!(Teach::default().link_hide().is_none());
    }

    #[test]
    fn unknown_names_get_a_message_and_the_rest_applies() {
        let mut t = Teach::default();
        let e = t.read_hide("chart,<script>,everything").unwrap_err();
        assert!(
            e.contains("\"<script>\", \"everything\" are not a part"),
            "{e}"
        );
        assert!(t.is_hidden("chart"));
    }
}
