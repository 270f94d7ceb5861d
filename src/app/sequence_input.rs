//! The input sequence: an editable text field with an inline error that names the bad token.

use leptos::prelude::*;

use super::{SessionRead, SessionWrite};

/// The "Input sequence" text field. Valid text recomputes every view at once; invalid text
/// shows a message here and leaves the last good trace on screen, marked stale.
#[component]
pub fn SequenceInput() -> impl IntoView {
    let SessionRead(session) = expect_context();
    let SessionWrite(set_session) = expect_context();
    let error = Memo::new(move |_| session.with(|s| s.error().map(str::to_string)));
    let text = Memo::new(move |_| session.with(|s| s.input_text().to_string()));
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
                prop:value=move || text.get()
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
