//! Accessible form controls for the wizard: every input has a label, groups are
//! fieldsets with legends, 0–10 scales are native radio groups, and an error is shown
//! next to its field, linked with `aria-describedby`.

use crate::domain::intake::Locale;
use crate::shared::draft::ErrorText;
use crate::shared::form::MOOD_CHOICE;
use crate::shared::labels::{self, pick, L};
use crate::ui::i18n::tr;
use leptos::prelude::*;

/// The element id of a field (`clinical.pain.current` → `f-clinical-pain-current`).
pub fn field_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

/// The live errors of the current step, shared by its fields.
#[derive(Clone, Copy)]
pub struct LiveErrors(pub RwSignal<Vec<ErrorText>>);

impl LiveErrors {
    /// The message for a field (or for anything below it), in the page's language.
    /// The mood choice's errors are those at `clinical.mood` itself, not its items'.
    pub fn message(&self, name: &str, l: Locale) -> Option<String> {
        let (name, exact) = if name == MOOD_CHOICE { ("clinical.mood", true) } else { (name, false) };
        let prefix = format!("{name}.");
        self.0.with(|errors| {
            errors.iter().find(|e| e.field == name || (!exact && e.field.starts_with(&prefix))).map(|e| {
                if l == Locale::Es {
                    e.es.clone()
                } else {
                    e.en.clone()
                }
            })
        })
    }
}

fn error_view(errors: LiveErrors, name: &'static str, l: Locale) -> impl IntoView {
    let id = format!("{}-error", field_id(name));
    move || {
        errors.message(name, l).map(|m| {
            view! {
                <p class="field-error" id=id.clone()>
                    <span class="visually-hidden">{tr(l, "Error: ", "Error: ")}</span>
                    {m}
                </p>
            }
        })
    }
}

/// `aria-describedby`: the hint (if any) and the error (while there is one).
fn described_by(
    errors: LiveErrors,
    name: &'static str,
    l: Locale,
    hint_id: Option<String>,
) -> impl Fn() -> Option<String> {
    let error_id = format!("{}-error", field_id(name));
    move || {
        let ids: Vec<&str> =
            hint_id.as_deref().into_iter().chain(errors.message(name, l).map(|_| error_id.as_str())).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The labelled inputs of a group; each input's id is `{group id}-{value}`.
fn option_list(
    kind: &'static str,
    id: &str,
    name: &'static str,
    options: Vec<(String, L)>,
    is_checked: impl Fn(&str) -> bool,
    l: Locale,
) -> impl IntoView {
    view! {
        <div class="options">
            {options
                .into_iter()
                .map(|(v, label)| {
                    let option_id = format!("{id}-{v}");
                    let checked = is_checked(&v);
                    view! {
                        <label class="option" for=option_id.clone()>
                            <input type=kind id=option_id.clone() name=name value=v checked=checked />
                            <span>{pick(l, label)}</span>
                        </label>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// A group of radio buttons under one question.
#[component]
pub fn Radios(
    name: &'static str,
    legend: L,
    options: Vec<(String, L)>,
    value: Option<String>,
    errors: LiveErrors,
    l: Locale,
    #[prop(optional)] hint: Option<L>,
    #[prop(optional)] class: &'static str,
    /// Words under the first and last choice (a scale's anchors). Shown only: the hint
    /// says the same to a screen reader.
    #[prop(optional)]
    ends: Option<(L, L)>,
) -> impl IntoView {
    let id = field_id(name);
    let hint_id = format!("{id}-hint");
    let described = described_by(errors, name, l, hint.is_some().then(|| hint_id.clone()));
    view! {
        <fieldset class=format!("question {class}") id=id.clone() aria-describedby=described
            aria-invalid=move || errors.message(name, l).map(|_| "true")>
            <legend>{pick(l, legend)}</legend>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{pick(l, h)}</p> })}
            {error_view(errors, name, l)}
            {option_list("radio", &id, name, options, move |v| value.as_deref() == Some(v), l)}
            {ends.map(|(low, high)| view! {
                <p class="scale-ends" aria-hidden="true"><span>{pick(l, low)}</span><span>{pick(l, high)}</span></p>
            })}
        </fieldset>
    }
}

/// A yes/no question.
#[component]
pub fn YesNo(name: &'static str, legend: L, value: Option<bool>, errors: LiveErrors, l: Locale) -> impl IntoView {
    let options = vec![("yes".to_owned(), ("Yes", "Sí")), ("no".to_owned(), ("No", "No"))];
    let value = value.map(|b| if b { "yes".to_owned() } else { "no".to_owned() });
    view! { <Radios name legend options value errors l class="yes-no" /> }
}

/// A 0–10 rating as a native radio group.
#[component]
pub fn Scale(name: &'static str, legend: L, value: Option<u8>, errors: LiveErrors, l: Locale) -> impl IntoView {
    let options = (0u8..=10).map(|n| (n.to_string(), (NUMBERS[n as usize], NUMBERS[n as usize]))).collect();
    // The PEG's anchors (Krebs 2009).
    let hint = (
        "0 = no pain, 10 = pain as bad as you can imagine",
        "0 = sin dolor, 10 = el dolor más fuerte que pueda imaginar",
    );
    let (hint, ends) = if name.ends_with("interference") {
        (
            ("0 = does not interfere, 10 = completely interferes", "0 = no interfiere, 10 = interfiere por completo"),
            (("Does not interfere", "No interfiere"), ("Completely interferes", "Interfiere por completo")),
        )
    } else {
        (hint, (("No pain", "Sin dolor"), ("Pain as bad as you can imagine", "El dolor más fuerte que pueda imaginar")))
    };
    view! { <Radios name legend options value=value.map(|v| v.to_string()) errors l hint class="scale" ends /> }
}

const NUMBERS: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

/// A set of checkboxes sharing one name (a list answer).
#[component]
pub fn Checkboxes(
    name: &'static str,
    legend: L,
    options: Vec<(String, L)>,
    checked: Vec<String>,
    errors: LiveErrors,
    l: Locale,
) -> impl IntoView {
    let id = field_id(name);
    view! {
        <fieldset class="question" id=id.clone() aria-describedby=described_by(errors, name, l, None)>
            <legend>{pick(l, legend)}</legend>
            <p class="hint">{tr(l, "Choose all that apply.", "Elija todas las que correspondan.")}</p>
            {error_view(errors, name, l)}
            {option_list("checkbox", &id, name, options, move |v| checked.iter().any(|c| c == v), l)}
        </fieldset>
    }
}

/// A single checkbox with its own meaning (a boolean answer or a consent).
#[component]
pub fn Check(name: &'static str, label: L, checked: bool, errors: LiveErrors, l: Locale) -> impl IntoView {
    let id = field_id(name);
    view! {
        <div class="question single-check">
            {error_view(errors, name, l)}
            <label class="option" for=id.clone()>
                <input type="checkbox" id=id.clone() name=name value="yes" checked=checked
                    aria-describedby=described_by(errors, name, l, None)
                    aria-invalid=move || errors.message(name, l).map(|_| "true") />
                <span>{pick(l, label)}</span>
            </label>
        </div>
    }
}

/// A one-line text input.
#[component]
pub fn TextField(
    name: &'static str,
    label: L,
    value: String,
    errors: LiveErrors,
    l: Locale,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: Option<L>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = field_id(name);
    let hint_id = format!("{id}-hint");
    let described = described_by(errors, name, l, hint.is_some().then(|| hint_id.clone()));
    let optional = (!required).then(|| view! { <span class="optional">{tr(l, " (optional)", " (opcional)")}</span> });
    view! {
        <div class="question text-question">
            <label for=id.clone()>{pick(l, label)}{optional}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{pick(l, h)}</p> })}
            {error_view(errors, name, l)}
            <input type=kind id=id.clone() name=name value=value
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                aria-describedby=described
                aria-invalid=move || errors.message(name, l).map(|_| "true") />
        </div>
    }
}

/// A date as three labelled fields, Month, Day and Year, in one fieldset (GOV.UK date
/// input). They post as `{name}.month`, `.day` and `.year`; `form::apply` joins them.
#[component]
pub fn DateField(
    name: &'static str,
    legend: L,
    /// The parts to show, in `form::DATE_PARTS` order.
    parts: [String; 3],
    errors: LiveErrors,
    l: Locale,
    /// `autocomplete` tokens (`bday-…`) for the patient's own date of birth only.
    #[prop(optional)]
    own_birthday: bool,
) -> impl IntoView {
    let id = field_id(name);
    let hint_id = format!("{id}-hint");
    let described = described_by(errors, name, l, Some(hint_id.clone()));
    let inputs = crate::shared::form::DATE_PARTS
        .iter()
        .zip(parts)
        .zip(labels::DATE_PART_LABELS)
        .map(|((part, value), label)| {
            let input_id = format!("{id}-{part}");
            let class = if *part == "year" { "date-item date-year" } else { "date-item" };
            view! {
                <div class=class>
                    <label for=input_id.clone()>{pick(l, label)}</label>
                    <input type="text" inputmode="numeric" id=input_id name=format!("{name}.{part}") value=value
                        autocomplete=own_birthday.then(|| format!("bday-{part}"))
                        aria-invalid=move || errors.message(name, l).map(|_| "true") />
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="question date-question" id=id aria-describedby=described>
            <legend>{pick(l, legend)}</legend>
            <p class="hint" id=hint_id>{pick(l, labels::DATE_HINT)}</p>
            {error_view(errors, name, l)}
            <div class="date-input">{inputs}</div>
        </fieldset>
    }
}

/// Where a link to a field's question goes: a date's first field (Month), else the
/// question's own element.
pub fn field_anchor(name: &str) -> String {
    if name == "clinical.mood" {
        field_id(MOOD_CHOICE)
    } else if name.ends_with("date_of_birth") {
        format!("{}-month", field_id(name))
    } else {
        field_id(name)
    }
}

/// A multi-line text input.
#[component]
pub fn TextArea(name: &'static str, label: L, value: String, errors: LiveErrors, l: Locale) -> impl IntoView {
    let id = field_id(name);
    view! {
        <div class="question text-question">
            <label for=id.clone()>{pick(l, label)}<span class="optional">{tr(l, " (optional)", " (opcional)")}</span></label>
            {error_view(errors, name, l)}
            <textarea id=id.clone() name=name rows="3" aria-describedby=described_by(errors, name, l, None)>{crate::ui::textarea_text(&value)}</textarea>
        </div>
    }
}

/// A checkbox list with an exclusive "None of these" under "or" (GOV.UK checkboxes):
/// the red flags, the treatments tried. Each box posts `{name}.{value}=yes`; nothing is
/// ticked until the patient ticks it. The island unticks the other side when one side is
/// ticked (`exclusive_none`).
#[component]
pub fn ExclusiveChecks(
    name: &'static str,
    legend: L,
    /// (value, label, ticked).
    options: Vec<(String, L, bool)>,
    /// Whether "None of these" is ticked.
    none: bool,
    errors: LiveErrors,
    l: Locale,
) -> impl IntoView {
    use crate::shared::form::NONE_OF_THESE;
    let id = field_id(name);
    let hint_id = format!("{id}-hint");
    let described = described_by(errors, name, l, Some(hint_id.clone()));
    let check = move |value: &str, label: L, checked: bool| {
        let field = format!("{name}.{value}");
        let option_id = field_id(&field);
        view! {
            <label class="option" for=option_id.clone()>
                <input type="checkbox" id=option_id.clone() name=field value="yes" checked=checked
                    aria-invalid=move || errors.message(name, l).map(|_| "true") />
                <span>{pick(l, label)}</span>
            </label>
        }
    };
    view! {
        <fieldset class="question checks" id=id aria-describedby=described>
            <legend>{pick(l, legend)}</legend>
            <p class="hint" id=hint_id>{tr(l, "Select all that apply.", "Marque todas las que correspondan.")}</p>
            {error_view(errors, name, l)}
            <div class="options">
                {options.into_iter().map(|(value, label, ticked)| check(&value, label, ticked)).collect_view()}
                <p class="options-or">{tr(l, "or", "o")}</p>
                {check(NONE_OF_THESE, ("None of these", "Ninguna de estas"), none)}
            </div>
        </fieldset>
    }
}
