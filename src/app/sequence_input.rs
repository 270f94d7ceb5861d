//! The input sequence: an editable text field with an inline error that names the bad token.

use leptos::html::Input;
use leptos::prelude::*;

use super::{SessionRead, SessionWrite};

/// Inputs of more numbers than this reach the field at most every [`LONG_TEXT_DELAY`]:
/// formatting 10 000 numbers and laying out the 60 kB field took ~8 ms of every frame
/// while a value was dragged.
const LONG_TEXT: usize = 3_000;
const LONG_TEXT_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

/// The "Input sequence" text field. Valid text recomputes every view at once; invalid text
/// shows a message here and leaves the last good trace on show, marked stale.
#[component]
pub fn SequenceInput() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let error = Memo::new(move |_| session.with(|s| s.error().map(str::to_string)));
    // The text itself is only read (and formatted, for values set by a drag) when written.
    let rev = Memo::new(move |_| session.with(|s| (s.input_rev(), s.input_values())));
    let field = NodeRef::<Input>::new();
    // The field shows the session's text; a long one is written a moment later, the newest
    // only, so a drag's frames do not each re-format and re-lay out the whole field. The
    // pending write is cancelled when a newer text arrives and on unmount.
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    let cancel = move || {
        if let Some(Some(h)) = pending.try_update_value(Option::take) {
            h.clear();
        }
    };
    Effect::new(move |_| {
        let long = rev.get().1 > LONG_TEXT;
        cancel();
        let write = move || {
            let Some(el) = field.try_get_untracked().flatten() else {
                return;
            };
            let changed = session.try_with_untracked(|s| {
                let t = s.input_text();
                (el.value() != t).then(|| t.to_string())
            });
            if let Some(Some(t)) = changed {
                el.set_value(&t);
            }
        };
        if long {
            if let Ok(h) = set_timeout_with_handle(write, LONG_TEXT_DELAY) {
                pending.set_value(Some(h));
            }
        } else {
            write();
        }
    });
    on_cleanup(cancel);
    // Whole percent only, so the message changes (and is announced) rarely.
    let progress = Memo::new(move |_| {
        session.with(|s| {
            s.progress()
                .map(|(done, all)| (100 * done / all.max(1), all))
        })
    });
    let hint = move || {
        if let Some((pct, all)) = progress.get() {
            return format!("Computing {all} steps… {pct}%");
        }
        session.with(|s| {
            let d = s.params().input_size();
            if d == 1 {
                "Numbers separated by commas or spaces, e.g. 1, 2, 3, 4, 5".to_string()
            } else {
                format!("One step per line or ';', {d} numbers per step")
            }
        })
    };
    view! {
        <section class="sequence" aria-label="Input">
            <label for="sequence-text">"Input sequence"</label>
            <input
                id="sequence-text"
                type="text"
                spellcheck="false"
                autocomplete="off"
                aria-describedby="sequence-help"
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                node_ref=field
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    set_session.update(|s| s.set_input(&text));
                }
            />
            <p
                id="sequence-help"
                class="help"
                class:error=move || error.with(Option::is_some)
                class:busy=move || progress.with(Option::is_some)
                role="status"
            >
                {move || error.get().unwrap_or_else(hint)}
            </p>
        </section>
    }
}
