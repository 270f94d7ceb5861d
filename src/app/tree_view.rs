//! Shows a [`crate::viz::tree`] in the page: [`TreeHost`] holds a container's current tree
//! and patches the DOM to a new one in place, element by element. Elements whose tag stays
//! keep their identity (so CSS transitions run and focus stays); only changed attributes and
//! texts are written (an input's changed `value` and `checked` to its properties as well).
//! Text goes in as text nodes, never as markup.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element as DomElement};

use crate::viz::tree::{Element, Node, Ns};

/// A container element and the tree it shows.
#[derive(Clone, Copy)]
pub struct TreeHost {
    shown: StoredValue<Vec<Node>, LocalStorage>,
}

impl TreeHost {
    pub fn new() -> Self {
        Self {
            shown: StoredValue::new_local(Vec::new()),
        }
    }

    /// Makes `parent`'s children show `nodes` (the host's last tree is what they show now).
    pub fn show(&self, parent: &DomElement, nodes: Vec<Node>) {
        let Some(doc) = parent.owner_document() else {
            return;
        };
        self.shown.update_value(|old| {
            patch_children(&doc, parent, old, &nodes);
            *old = nodes;
        });
    }
}

impl Default for TreeHost {
    fn default() -> Self {
        Self::new()
    }
}

/// Makes `parent`'s children (which show `old`) show `new`.
fn patch_children(doc: &Document, parent: &DomElement, old: &[Node], new: &[Node]) {
    let dom = parent.child_nodes();
    for (k, node) in new.iter().enumerate() {
        let existing = dom.item(k as u32);
        match (old.get(k), existing) {
            (Some(was), Some(el)) if same_kind(was, node) => patch(doc, &el, was, node),
            (_, Some(el)) => {
                if let Some(fresh) = create(doc, node) {
                    let _ = parent.replace_child(&fresh, &el);
                }
            }
            (_, None) => {
                if let Some(fresh) = create(doc, node) {
                    let _ = parent.append_child(&fresh);
                }
            }
        }
    }
    while dom.length() > new.len() as u32 {
        match parent.last_child() {
            Some(last) => {
                let _ = parent.remove_child(&last);
            }
            None => break,
        }
    }
}

fn same_kind(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Text(_), Node::Text(_)) => true,
        (Node::Element(x), Node::Element(y)) => x.tag == y.tag && x.ns == y.ns,
        _ => false,
    }
}

fn patch(doc: &Document, dom: &web_sys::Node, old: &Node, new: &Node) {
    match (old, new) {
        (Node::Text(a), Node::Text(b)) if a != b => dom.set_text_content(Some(b)),
        (Node::Element(a), Node::Element(b)) => {
            let Some(el) = dom.dyn_ref::<DomElement>() else {
                return;
            };
            for (name, value) in &b.attrs {
                if a.get(name) != Some(value.as_str()) {
                    let _ = el.set_attribute(name, value);
                    // An input shows its `value` attribute only until someone types in it;
                    // from then on only the property shows a new value.
                    if *name == "value" {
                        if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                            input.set_value(value);
                        }
                    }
                }
            }
            for (name, _) in &a.attrs {
                if b.get(name).is_none() {
                    let _ = el.remove_attribute(name);
                }
            }
            // Likewise a checkbox shows its `checked` attribute only until it is clicked.
            let checked = b.get("checked").is_some();
            if a.get("checked").is_some() != checked {
                if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                    input.set_checked(checked);
                }
            }
            patch_children(doc, el, &a.children, &b.children);
        }
        _ => {}
    }
}

fn create(doc: &Document, node: &Node) -> Option<web_sys::Node> {
    match node {
        Node::Text(t) => Some(doc.create_text_node(t).into()),
        Node::Element(e) => create_element(doc, e).map(Into::into),
    }
}

fn create_element(doc: &Document, e: &Element) -> Option<DomElement> {
    let el = match e.ns {
        Ns::Html => doc.create_element(e.tag).ok()?,
        ns => doc.create_element_ns(Some(ns.uri()), e.tag).ok()?,
    };
    for (name, value) in &e.attrs {
        let _ = el.set_attribute(name, value);
    }
    for child in &e.children {
        if let Some(c) = create(doc, child) {
            let _ = el.append_child(&c);
        }
    }
    Some(el)
}

/// The nearest element at or above an event's target that has attribute `name`, and that
/// attribute's value (for handlers delegated to a tree's container).
pub fn closest_attr(ev: &web_sys::Event, name: &str) -> Option<(DomElement, String)> {
    let target = ev.target()?.dyn_into::<DomElement>().ok()?;
    let el = target.closest(&format!("[{name}]")).ok()??;
    let value = el.get_attribute(name)?;
    Some((el, value))
}
