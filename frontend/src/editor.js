/* The exercise page's code editor: CodeMirror 6 over each answer <textarea class="code"
   data-editor="python">. The textarea stays in the form (hidden) and holds the editor's text at
   every change, so the form posts the same fields as without JavaScript, and the draft autosave
   (static/js/exercise-draft.js) hears an `input` event on it as it would from typing.

   Keyboard: Tab indents; Esc then Tab (within 2 s) moves focus on, Esc then Shift-Tab back
   (CodeMirror's tab-focus mode), so no keyboard user is trapped. Ctrl-F opens search.
   Theme: light or dark following the system, switching live when the system does.
   Errors: the submission page links here with ?cell=ID&line=N (the line a grading's error points
   at, grading/templates/grading/_run_result.html); that line of that cell's editor is marked
   and focused, and the mark goes once the code is edited.
   CSP: CodeMirror adds its styles as <style> elements; the page's policy lets them in by nonce,
   which the template puts on this script's tag (read back through the `nonce` property). */
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching,
  HighlightStyle,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, Prec, StateEffect, StateField } from "@codemirror/state";
import { oneDark } from "@codemirror/theme-one-dark";
import { tags } from "@lezer/highlight";
import {
  Decoration,
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";

// Django's JavaScript catalog (base.html loads it first) translates CodeMirror's own words (the
// search panel's buttons, its announcements) into the page's language.
const gettext = window.gettext || ((text) => text);
const phrases = EditorState.phrases.of({
  Find: gettext("Find"),
  Replace: gettext("Replace"),
  next: gettext("next"),
  previous: gettext("previous"),
  all: gettext("all"),
  "match case": gettext("match case"),
  regexp: gettext("regexp"),
  "by word": gettext("by word"),
  replace: gettext("replace"),
  "replace all": gettext("replace all"),
  close: gettext("close"),
  "current match": gettext("current match"),
  "on line": gettext("on line"),
  "replaced $ matches": gettext("replaced $ matches"),
  "replaced match on line $": gettext("replaced match on line $"),
  "Go to line": gettext("Go to line"),
  go: gettext("go"),
  "Control character": gettext("Control character"),
  "Selection deleted": gettext("Selection deleted"),
});

const script = document.currentScript;
const nonce = (script && script.nonce) || "";
const darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

const lightTheme = [
  EditorView.theme({}, { dark: false }),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
];
// One Dark on the site's darker code background (static/css/site.css, --code-bg): on One Dark's
// own #282c34, with the active line's tint, its violet keywords and grey comments fall under
// 4.5:1. Here every token colour is at least 5:1, the active line included.
const darkCodeBackground = "#161a21";
const darkActiveLine = "#1e2330";
const darkMuted = "#8d97a8";
const darkTheme = [
  oneDark,
  // Above One Dark's own rules of the same specificity, which would otherwise win.
  Prec.highest(
    EditorView.theme(
      {
        "&": { backgroundColor: darkCodeBackground },
        ".cm-gutters": { backgroundColor: darkCodeBackground, color: darkMuted },
        ".cm-activeLine": { backgroundColor: darkActiveLine },
        ".cm-activeLineGutter": { backgroundColor: darkActiveLine },
      },
      { dark: true },
    ),
  ),
  Prec.high(syntaxHighlighting(HighlightStyle.define([{ tag: tags.comment, color: darkMuted }]))),
];

// The line a grading's error points at, marked until the code changes.
const markLine = StateEffect.define();
const errorLineMark = Decoration.line({ class: "cm-error-line" });
const errorLine = StateField.define({
  create: () => Decoration.none,
  update(marks, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(markLine)) return Decoration.set([errorLineMark.range(effect.value)]);
    }
    return transaction.docChanged ? Decoration.none : marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function themeFor(dark) {
  return dark ? darkTheme : lightTheme;
}

// Sizes shared by both themes; colours come from the theme in force.
const layout = EditorView.theme({
  "&": {
    fontSize: "0.95rem",
    border: "1px solid #8a93a6",
    borderRadius: "8px",
    margin: "0.3rem 0 0.75rem",
  },
  // The site's accent (static/css/site.css), light or dark with the colour scheme.
  "&.cm-focused": { outline: "3px solid var(--accent)", outlineOffset: "2px" },
  ".cm-scroller": {
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    minHeight: "18em",
    maxHeight: "70vh",
  },
  ".cm-content": { padding: "0.4rem 0" },
  ".cm-error-line": { backgroundColor: "rgba(214, 40, 40, 0.22)" },
});

function enhance(textarea, views) {
  const themes = new Compartment();
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const help = document.getElementById(textarea.dataset.editorHelp || "");
  const maxLength = Number(textarea.getAttribute("maxlength")) || Infinity;
  const contentAttributes = { "aria-multiline": "true" };
  if (label) {
    label.id = label.id || `${textarea.id}-label`;
    contentAttributes["aria-labelledby"] = label.id;
  }
  if (help) {
    // The keyboard help is about the editor: shown only once there is one.
    help.hidden = false;
    contentAttributes["aria-describedby"] = help.id;
  }

  const view = new EditorView({
    parent: textarea.parentNode,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        phrases,
        lineNumbers(),
        errorLine,
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        search({ top: true }),
        python(),
        keymap.of([
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...searchKeymap,
          ...historyKeymap,
          indentWithTab,
        ]),
        // The textarea's maxlength holds in the editor too (the server refuses more anyway).
        EditorState.changeFilter.of((tr) => tr.newDoc.length <= maxLength),
        EditorView.contentAttributes.of(contentAttributes),
        EditorView.cspNonce.of(nonce),
        layout,
        themes.of(themeFor(darkQuery && darkQuery.matches)),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          textarea.value = update.state.doc.toString();
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
        }),
      ],
    }),
  });
  textarea.parentNode.insertBefore(view.dom, textarea.nextSibling);
  textarea.hidden = true;
  textarea.dataset.enhanced = "codemirror";
  view.dom.dataset.for = textarea.id;
  // The label names a hidden textarea now: clicking it focuses the editor instead.
  if (label) {
    label.addEventListener("click", (event) => {
      event.preventDefault();
      view.focus();
    });
  }
  views.push({ view, themes, gradeId: textarea.dataset.gradeId });
}

function markErrorLine(views) {
  const params = new URLSearchParams(window.location.search);
  const number = Number(params.get("line"));
  const target = views.find(({ gradeId }) => gradeId === params.get("cell"));
  if (!target || !Number.isInteger(number) || number < 1) return;
  const doc = target.view.state.doc;
  if (number > doc.lines) return;
  const line = doc.line(number);
  target.view.dispatch({
    selection: { anchor: line.from },
    effects: [markLine.of(line.from), EditorView.scrollIntoView(line.from, { y: "center" })],
  });
  target.view.focus();
}

function start() {
  const views = [];
  document.querySelectorAll("textarea[data-editor=python]").forEach((textarea) => {
    enhance(textarea, views);
  });
  markErrorLine(views);
  if (!views.length || !darkQuery) return;
  const follow = (event) => {
    for (const { view, themes } of views) {
      view.dispatch({ effects: themes.reconfigure(themeFor(event.matches)) });
    }
  };
  if (darkQuery.addEventListener) darkQuery.addEventListener("change", follow);
  else darkQuery.addListener(follow);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
