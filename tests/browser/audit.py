"""What every page a browser test visits must pass: valid HTML and axe-core at both widths."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

WIDTHS = (390, 1280)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Every element a person taps: links outside running text, buttons, form fields.
CONTROLS = 'a[href]:not(.prose a), button, input:not([type="hidden"]), select, textarea, summary'

_axe = Axe()
# Where browser tests leave the screenshots a person looks at before calling a page done.
SHOTS = Path(os.environ.get("SHOTS_DIR", "/work/shots"))


def _describe(violations):
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → " + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def audit(page, html_checker, *, elderly=False, answer_to_a_form=False):
    """Validate the page's HTML as served, and run axe-core at 390 px and 1280 px.

    Fails on serious or critical violations; in elderly mode, also on text
    under 20 px, a control (a checkbox too) under 60 × 60 px, and any failure
    of the enhanced (7:1) contrast rule.
    """
    page.wait_for_load_state("load")
    # A form's answer (e.g. recovery codes, shown once) cannot be fetched again: check the page as it stands.
    html = page.content() if answer_to_a_form else page.request.get(page.url).text()
    html_checker.assert_valid(html, page.url)
    original = page.viewport_size
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
            serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            assert not serious, f"axe-core at {width}px on {page.url}:\n{_describe(serious)}"
            if elderly:
                small = small_text(page, 20)
                assert not small, f"text under 20 px at {width}px on {page.url}:\n" + "\n".join(small)
                controls = small_controls(page, 60, label_counts=False)
                assert not controls, f"controls under 60x60 px at {width}px on {page.url}:\n" + "\n".join(controls)
                contrast = _axe.run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}})
                failures = contrast.response["violations"]
                assert not failures, f"7:1 contrast at {width}px on {page.url}:\n{_describe(failures)}"
    finally:
        page.set_viewport_size(original)


def small_controls(page, minimum, *, label_counts=True):
    """Visible controls whose box is smaller than minimum × minimum px.

    With ``label_counts`` a checkbox's target is its label's box (the standard display); in elderly mode
    (``label_counts=False``) the box itself must be big enough.
    """
    page.wait_for_load_state("load")
    return page.evaluate(
        """([selector, minimum, labelCounts]) => {
            const small = [];
            for (const el of document.querySelectorAll(selector)) {
                const style = getComputedStyle(el);
                if (style.display === 'none' || style.visibility === 'hidden') continue;
                let box = el.getBoundingClientRect();
                if (box.width * box.height <= 1) continue;  // not rendered
                if (labelCounts && (el.type === 'checkbox' || el.type === 'radio')) {
                    const target = el.closest('.form-check')
                        || (el.id && document.querySelector(`label[for="${el.id}"]`));
                    if (target) box = target.getBoundingClientRect();
                }
                if (box.width < minimum || box.height < minimum) {
                    const label = (el.innerText || el.name || '').trim().slice(0, 20);
                    const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
                    small.push(`${el.tagName.toLowerCase()} "${label}" ${size}`);
                }
            }
            return small;
        }""",
        [CONTROLS, minimum, label_counts],
    )


def small_text(page, minimum):
    """Visible text set smaller than ``minimum`` px: [(tag.classes, size, the text's start)]."""
    return page.evaluate(
        """(minimum) => {
            const small = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const text = walker.currentNode.textContent.trim();
                const el = walker.currentNode.parentElement;
                if (!text || el.closest('.visually-hidden, script, style')) continue;
                const box = el.getBoundingClientRect();
                const style = getComputedStyle(el);
                if (box.width * box.height <= 1 || style.visibility === 'hidden') continue;
                const size = parseFloat(style.fontSize);
                if (size < minimum) {
                    small.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${size}px "${text.slice(0, 20)}"`);
                }
            }
            return small;
        }""",
        minimum,
    )


def body_font_size(page):
    page.wait_for_load_state("load")
    return float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))


def at_both_widths(page, name, *, elderly):
    """Screenshots of the page at 390 and 1280 px (``SHOTS``/name-width-mode.png); in 大字模式, no control under
    60 × 60 px at either width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"{name}-{width}-{'elderly' if elderly else 'standard'}.png", full_page=True)
        if elderly:
            assert small_controls(page, 60, label_counts=False) == [], f"controls under 60x60 px at {width}px"
