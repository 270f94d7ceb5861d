//! A small element tree (HTML, SVG or MathML) built by pure functions of data, for views
//! whose structure follows the data: the step explainer's equations and the cell diagram.
//! `app::tree_view` patches it into the page in place.
//!
//! Why not Leptos `view!`: every distinct `view!` structure is its own type with its own
//! build, rebuild and teardown code. Written that way, the explainer, the diagram and the
//! interventions form cost ~70 KB gzip of wasm; as data through one non-generic renderer
//! they cost a fraction of that, and they are testable natively.

/// The namespace an element is created in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    Html,
    Svg,
    MathMl,
}

impl Ns {
    /// The namespace URI for `createElementNS`.
    pub fn uri(self) -> &'static str {
        match self {
            Ns::Html => "http://www.w3.org/1999/xhtml",
            Ns::Svg => "http://www.w3.org/2000/svg",
            Ns::MathMl => "http://www.w3.org/1998/Math/MathML",
        }
    }
}

/// One node: an element or text.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// An element with its attributes (in order) and children.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub ns: Ns,
    pub tag: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Node>,
}

/// An HTML element.
pub fn html(tag: &'static str) -> Element {
    Element::new(Ns::Html, tag)
}
/// An SVG element.
pub fn svg(tag: &'static str) -> Element {
    Element::new(Ns::Svg, tag)
}
/// A MathML element.
pub fn math(tag: &'static str) -> Element {
    Element::new(Ns::MathMl, tag)
}

impl Element {
    pub fn new(ns: Ns, tag: &'static str) -> Self {
        Self {
            ns,
            tag,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Sets attribute `name` (a later value replaces an earlier one).
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        match self.attrs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((name, value)),
        }
        self
    }

    /// Sets attribute `name` when `on` is true.
    pub fn attr_if(self, on: bool, name: &'static str, value: impl Into<String>) -> Self {
        if on {
            self.attr(name, value)
        } else {
            self
        }
    }

    pub fn class(self, value: impl Into<String>) -> Self {
        self.attr("class", value)
    }

    pub fn child(mut self, node: impl Into<Node>) -> Self {
        self.children.push(node.into());
        self
    }

    pub fn children(mut self, nodes: impl IntoIterator<Item = Node>) -> Self {
        self.children.extend(nodes);
        self
    }

    /// Appends a text child.
    pub fn text(self, text: impl Into<String>) -> Self {
        self.child(Node::Text(text.into()))
    }

    /// The value of attribute `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl From<Element> for Node {
    fn from(e: Element) -> Self {
        Node::Element(e)
    }
}

impl From<String> for Node {
    fn from(s: String) -> Self {
        Node::Text(s)
    }
}

impl From<&str> for Node {
    fn from(s: &str) -> Self {
        Node::Text(s.to_string())
    }
}

impl Node {
    /// All text below this node, concatenated (for tests and accessible summaries).
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        match self {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => e.children.iter().for_each(|c| c.collect_text(out)),
        }
    }

    /// Every element below (and including) this node for which `keep` is true, in
    /// document order.
    pub fn find_all<'a>(&'a self, keep: &dyn Fn(&Element) -> bool) -> Vec<&'a Element> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if keep(e) {
                out.push(e);
            }
        });
        out
    }

    fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Element)) {
        if let Node::Element(e) = self {
            f(e);
            e.children.iter().for_each(|c| c.walk(f));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_set_attributes_once_and_keep_order() {
        let e = html("p")
            .class("a")
            .attr("id", "x")
            .class("b")
            .attr_if(false, "hidden", "")
            .text("hi")
            .child(math("mn").text("1"));
        assert_eq!(
            e.attrs,
            [("class", "b".to_string()), ("id", "x".to_string())]
        );
        let n = Node::from(e);
        assert_eq!(n.text_content(), "hi1");
        assert_eq!(n.find_all(&|e| e.tag == "mn").len(), 1);
        assert_eq!(Ns::MathMl.uri(), "http://www.w3.org/1998/Math/MathML");
    }
}
